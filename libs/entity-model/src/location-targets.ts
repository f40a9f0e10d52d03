import { lowerCase } from './lower-case';
import { Entity } from '@backstage/catalog-model';
import { resolveRelativePath } from './placeholders';

export interface RepositoryFileContext {
  /** `https://github.com/acme/shop` (or the Enterprise Server equivalent). */
  repositoryHtmlUrl: string;
  defaultBranch: string;
  /** Path of the file that declares the Location entity, from the repository root. */
  catalogPath: string;
}

export interface LocationTargets {
  /** Repository paths of the files the Location names in the same repository, on its default branch. */
  paths: string[];
  /** Targets that are not followed (another repository, another branch, a glob, an absolute `file` path), each with why, in words for the file's author. */
  ignored: Array<{ target: string; reason: string }>;
}

const GLOB = /[*?[\]{}]/;

/**
 * The files a `kind: Location` entity points at, as far as they live in the same repository:
 * `spec.target` and `spec.targets`, either relative to the declaring file (`./services/a.yaml`)
 * or full URLs of the repository's default branch (`…/blob/main/services/a.yaml`). A `type: file`
 * target relative to the declaring file is a file of the repository too (Backstage would look for
 * it on its own server's disk, where it cannot be).
 */
export function locationTargetsInRepository(entity: Entity, context: RepositoryFileContext): LocationTargets {
  const result: LocationTargets = { paths: [], ignored: [] };
  if (lowerCase(entity.kind) !== 'location') return result;
  const spec = (entity.spec ?? {}) as { type?: unknown; target?: unknown; targets?: unknown };
  const type = typeof spec.type === 'string' ? spec.type : 'url';
  const targets = [spec.target, ...(Array.isArray(spec.targets) ? spec.targets : [])].filter((t): t is string => typeof t === 'string' && t.length > 0);
  const base = context.repositoryHtmlUrl.replace(/\/+$/, '');
  for (const target of targets) {
    const verdict = type === 'url' ? urlTarget(target, base, context) : type === 'file' ? fileTarget(target, context) : { reason: `targets of type '${type}' are not read; Callboard reads files of this repository (type: url)` };
    if ('reason' in verdict) result.ignored.push({ target, reason: verdict.reason });
    else if (!result.paths.includes(verdict.path)) result.paths.push(verdict.path);
  }
  return result;
}

type Verdict = { path: string } | { reason: string };

function urlTarget(target: string, base: string, context: RepositoryFileContext): Verdict {
  const path = repositoryPathOf(target, base, context);
  if (path !== null && path !== '' && GLOB.test(path)) return { reason: 'globs are not followed: name each file' };
  if (path !== null && path !== '') return { path };
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) && target.startsWith(`${base}/`)) {
    return { reason: `only files of the default branch (${context.defaultBranch}) are read: write a path relative to this file or a ${base}/blob/${context.defaultBranch}/... URL` };
  }
  if (path === '') return { reason: 'the target names no file' };
  return { reason: 'targets in other repositories are not followed: that repository\'s own catalog file is read when Callboard is installed there' };
}

function fileTarget(target: string, context: RepositoryFileContext): Verdict {
  if (!target.startsWith('.')) return { reason: 'a type: file target must be relative to this file (./...); absolute paths name files on a server, not in the repository' };
  const path = resolveRelativePath(context.catalogPath, target);
  if (path === null || path === '') return { reason: 'the target leaves the repository' };
  if (GLOB.test(path)) return { reason: 'globs are not followed: name each file' };
  return { path };
}

function repositoryPathOf(target: string, base: string, context: RepositoryFileContext): string | null {
  if (!/^[a-z][a-z0-9+.-]*:/i.test(target)) return resolveRelativePath(context.catalogPath, target);
  for (const kind of ['blob', 'tree']) {
    const prefix = `${base}/${kind}/${context.defaultBranch}/`;
    if (target.startsWith(prefix)) {
      return decodeURIComponent(target.slice(prefix.length).split(/[?#]/)[0]).replace(/^\/+/, '');
    }
  }
  return null;
}
