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
  /** Targets that are not files of this repository's default branch (another repository, another branch, a glob). */
  ignored: string[];
}

const GLOB = /[*?[\]{}]/;

/**
 * The files a `kind: Location` entity points at, as far as they live in the same repository:
 * `spec.target` and `spec.targets`, either relative to the declaring file (`./services/a.yaml`)
 * or full URLs of the repository's default branch (`…/blob/main/services/a.yaml`).
 */
export function locationTargetsInRepository(entity: Entity, context: RepositoryFileContext): LocationTargets {
  const result: LocationTargets = { paths: [], ignored: [] };
  if (entity.kind.toLocaleLowerCase('en-US') !== 'location') return result;
  const spec = (entity.spec ?? {}) as { type?: unknown; target?: unknown; targets?: unknown };
  if (spec.type !== undefined && spec.type !== 'url') return result;
  const targets = [spec.target, ...(Array.isArray(spec.targets) ? spec.targets : [])].filter((t): t is string => typeof t === 'string' && t.length > 0);
  const base = context.repositoryHtmlUrl.replace(/\/+$/, '');
  for (const target of targets) {
    const path = repositoryPathOf(target, base, context);
    if (path === null || path === '' || GLOB.test(path)) result.ignored.push(target);
    else if (!result.paths.includes(path)) result.paths.push(path);
  }
  return result;
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
