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

function readTree(root: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== '.git' && entry.name !== 'node_modules') walk(full);
      } else if (entry.isFile() && entry.name !== '.DS_Store') {
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
  const org = options.org ?? dir.split(/[\\/]/).filter(Boolean).pop() ?? 'acme';
  const folders = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
  return folders.map((folder) => {
    const fullName = `${org}/${folder}`;
    const files = readTree(join(dir, folder));
    standIn.createRepository(fullName, { defaultBranch: 'main', description: descriptionFrom(files) });
    if (options.initialEmptyCommit) standIn.commit(fullName, { files: {}, message: 'Initial commit' });
    const push = standIn.commit(fullName, {
      files,
      message: `Add ${folder}${files['catalog-info.yaml'] !== undefined ? ' with catalog-info.yaml' : ''}`,
    });
    return { fullName, push };
  });
}
