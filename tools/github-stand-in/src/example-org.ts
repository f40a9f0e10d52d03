import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import type { GitHubStandIn } from './github-stand-in';

export interface LoadExampleOrgOptions {
  /** Owner of the created repositories. Default: the folder's name (`acme`). */
  org?: string;
  /**
   * Give each repository a root empty commit ("Initial commit", no webhook, as if the
   * repository had been created on GitHub before the webhook existed) before the files
   * commit, so the returned push has a real `before` and `created: false`.
   * Default false: the files are the repository's first commit, pushed to a new empty
   * repository (`before` all zeros, `created: true`), which is exactly what GitHub
   * delivers for the first `git push -u origin main` to a freshly created repository.
   */
  initialEmptyCommit?: boolean;
}

/** `<repo root>/examples/acme`, found by walking up from this file (works from src/ and dist/). */
export function defaultExampleOrgDir(): string {
  let dir = __dirname;
  for (;;) {
    const candidate = join(dir, 'examples', 'acme');
    if (existsSync(candidate) && statSync(candidate).isDirectory()) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`Cannot find examples/acme above ${__dirname}`);
    dir = parent;
  }
}

/** Files an editor leaves beside the one being edited (swap, backup, lock files): never part of a repository. */
export function isEditorLeftover(name: string): boolean {
  return name === '.DS_Store' || /\.sw[a-p]$|~$|^\.#|^#.*#$|^4913$/.test(name);
}

/** A folder's files as a repository holds them: `path/with/slashes` -> content (no `.git`, `node_modules` or editor leftovers). */
export function readExampleFolder(root: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== '.git' && entry.name !== 'node_modules') walk(full);
      } else if (entry.isFile() && !isEditorLeftover(entry.name)) {
        files[relative(root, full).split(sep).join('/')] = readFileSync(full, 'utf8');
      }
    }
  };
  walk(root);
  return files;
}

function descriptionFrom(files: Record<string, string>): string | undefined {
  const readme = files['README.md'];
  if (!readme) return undefined;
  const paragraph = readme.split(/\n\s*\n/).find((p) => p.trim() !== '' && !p.trim().startsWith('#'));
  return paragraph?.replace(/\s+/g, ' ').trim();
}

/** The folders of an example organisation that are repositories, in alphabetical order. */
export function exampleRepositoryFolders(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
}

/** Owner of the example organisation in `dir`: its folder's name (`acme`). */
export function exampleOrgName(dir: string): string {
  return dir.split(/[\\/]/).filter(Boolean).pop() ?? 'acme';
}

/**
 * Creates the repository `<org>/<folder>` (default branch `main`) from a folder of the example
 * organisation and commits the folder's files to it; returns the push of that commit.
 */
export function addExampleRepository(
  standIn: GitHubStandIn,
  dir: string,
  folder: string,
  options: LoadExampleOrgOptions = {},
): { fullName: string; push: ReturnType<GitHubStandIn['commit']> } {
  const fullName = `${options.org ?? exampleOrgName(dir)}/${folder}`;
  const files = readExampleFolder(join(dir, folder));
  standIn.createRepository(fullName, { defaultBranch: 'main', description: descriptionFrom(files) });
  if (options.initialEmptyCommit) standIn.commit(fullName, { files: {}, message: 'Initial commit' });
  const push = standIn.commit(fullName, {
    files,
    message: `Add ${folder}${files['catalog-info.yaml'] !== undefined ? ' with catalog-info.yaml' : ''}`,
  });
  return { fullName, push };
}

/**
 * Creates one repository `<org>/<folder>` per folder of the example organisation (default
 * branch `main`) and commits the folder's files to it. Returns, per repository (in
 * alphabetical order), the push webhook payload of the files commit.
 */
export function loadExampleOrg(
  standIn: GitHubStandIn,
  dir: string = defaultExampleOrgDir(),
  options: LoadExampleOrgOptions = {},
): Array<{ fullName: string; push: ReturnType<GitHubStandIn['commit']> }> {
  return exampleRepositoryFolders(dir).map((folder) => addExampleRepository(standIn, dir, folder, options));
}
