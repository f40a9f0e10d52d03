import { existsSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { PushEvent } from '@octokit/webhooks-types';
import { watch, type FSWatcher } from 'chokidar';
import { addExampleRepository, exampleOrgName, exampleRepositoryFolders, readExampleFolder } from './example-org';
import type { CommitResult, GitHubStandIn } from './github-stand-in';

/** What a change to the example organisation's folder became in the stand-in, and the webhook GitHub would send for it. */
export type ExampleOrgChange =
  | { kind: 'created'; folder: string; fullName: string; commit: CommitResult; files: string[]; delivery: { event: 'push'; payload: PushEvent } }
  | {
      kind: 'pushed';
      folder: string;
      fullName: string;
      commit: CommitResult;
      added: string[];
      modified: string[];
      removed: string[];
      delivery: { event: 'push'; payload: PushEvent };
    }
  | { kind: 'deleted'; folder: string; fullName: string; delivery: { event: 'repository'; payload: Record<string, unknown> } | null };

export interface ExampleOrgWatcherOptions {
  /** The example organisation's folder (one sub-folder per repository). */
  dir: string;
  /** Owner of the repositories; default the folder's name. */
  org?: string;
  /** Quiet time after the last file event before the folder is read (an editor's save is several events). Default 300 ms. */
  debounceMs?: number;
  /** The pushes `loadExampleOrg` made: the repositories the stand-in holds now, as their last push describes them. */
  pushes: ReadonlyArray<{ fullName: string; push: CommitResult }>;
  /** Called once per change, in order; the next change waits for it. */
  onChange: (change: ExampleOrgChange) => Promise<void> | void;
  onError?: (error: Error, folder: string | undefined) => void;
}

// GitHub's rule for repository names.
const REPOSITORY_NAME = /^[A-Za-z0-9._-]+$/;

/**
 * Keeps the stand-in's repositories equal to the example organisation's folders while it runs:
 * a file added, changed or deleted in `<dir>/<folder>/` becomes a commit on that repository's
 * default branch, a new folder a new repository, a removed folder a deleted repository, each
 * handed to `onChange` with the webhook GitHub would deliver for it. Watches with chokidar:
 * Node 20's recursive `fs.watch` on Linux loses a file once it is replaced (an editor's atomic
 * save, `sed -i`, `git checkout`), and then misses every later save of it. Which folder an event
 * names is all that is taken from it: the folder is then read again and compared with the
 * repository, so doubled or reordered events change nothing.
 */
export class ExampleOrgWatcher {
  private watcher: FSWatcher | undefined;
  private readonly org: string;
  private readonly debounceMs: number;
  private readonly lastPushes = new Map<string, PushEvent>();
  private readonly pending = new Set<string>();
  private rescanAll = false;
  private timer: NodeJS.Timeout | undefined;
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly standIn: GitHubStandIn,
    private readonly options: ExampleOrgWatcherOptions,
  ) {
    this.org = options.org ?? exampleOrgName(options.dir);
    this.debounceMs = options.debounceMs ?? 300;
    for (const { fullName, push } of options.pushes) this.lastPushes.set(fullName.toLowerCase(), push.payload);
  }

  /** Resolves once the folder is watched (chokidar has read it): a save from then on is noticed. */
  async start(): Promise<this> {
    const watcher = watch(this.options.dir, {
      ignoreInitial: true,
      ignored: (path) => /(^|[\\/])(\.git|node_modules)([\\/]|$)/.test(relative(this.options.dir, path)),
    });
    this.watcher = watcher;
    watcher.on('all', (_event, path) => this.noted(relative(this.options.dir, path)));
    watcher.on('error', (error) => this.options.onError?.(error instanceof Error ? error : new Error(String(error)), undefined));
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
    return this;
  }

  /** Resolves once every change noticed so far (debounce included) has been committed and handed to `onChange`. */
  async idle(): Promise<void> {
    while (this.timer || this.pending.size > 0 || this.rescanAll) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(10, this.debounceMs / 4)));
    }
    await this.queue;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
    this.rescanAll = false;
    await this.watcher?.close();
    await this.queue;
  }

  private noted(path: string): void {
    if (this.closed) return;
    const top = path.split(sep)[0];
    if (top) this.pending.add(top);
    else this.rescanAll = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), this.debounceMs);
  }

  private flush(): void {
    this.timer = undefined;
    const folders = new Set(this.pending);
    if (this.rescanAll) {
      for (const folder of exampleRepositoryFolders(this.options.dir)) folders.add(folder);
      for (const fullName of this.standIn.repositories()) folders.add(fullName.split('/')[1]);
    }
    this.pending.clear();
    this.rescanAll = false;
    this.queue = this.queue.then(() => this.syncAll([...folders].sort()));
  }

  private async syncAll(folders: string[]): Promise<void> {
    for (const folder of folders) {
      if (this.closed) return;
      try {
        const change = this.sync(folder);
        if (change) await this.options.onChange(change);
      } catch (error) {
        this.options.onError?.(error instanceof Error ? error : new Error(String(error)), folder);
      }
    }
  }

  /** Brings one repository level with its folder; null when they are equal already (or the name is no repository's). */
  sync(folder: string): ExampleOrgChange | null {
    if (folder.startsWith('.')) return null;
    const fullName = `${this.org}/${folder}`;
    const path = join(this.options.dir, folder);
    const isFolder = existsSync(path) && statSync(path).isDirectory();
    const exists = this.standIn.repositories().some((name) => name.toLowerCase() === fullName.toLowerCase());

    if (!isFolder) return exists ? this.deleted(folder, fullName) : null;
    if (!REPOSITORY_NAME.test(folder)) throw new Error(`"${folder}" cannot be a repository name (letters, digits, '.', '-' and '_' only)`);
    const files = readExampleFolder(path);
    // A folder just made is pushed once it holds a file: GitHub has no empty pushes.
    if (Object.keys(files).length === 0) return exists ? this.pushed(folder, fullName, files) : null;
    if (!exists) {
      const { push } = addExampleRepository(this.standIn, this.options.dir, folder, { org: this.org });
      this.lastPushes.set(fullName.toLowerCase(), push.payload);
      return { kind: 'created', folder, fullName, commit: push, files: Object.keys(files), delivery: { event: 'push', payload: push.payload } };
    }
    return this.pushed(folder, fullName, files);
  }

  private pushed(folder: string, fullName: string, files: Record<string, string>): ExampleOrgChange | null {
    const current = this.standIn.headSha(fullName) ? this.standIn.files(fullName) : {};
    const change: Record<string, string | null> = {};
    const added: string[] = [];
    const modified: string[] = [];
    const removed: string[] = [];
    for (const [file, content] of Object.entries(files)) {
      if (current[file] === content) continue;
      (current[file] === undefined ? added : modified).push(file);
      change[file] = content;
    }
    for (const file of Object.keys(current)) {
      if (files[file] === undefined) {
        removed.push(file);
        change[file] = null;
      }
    }
    if (Object.keys(change).length === 0) return null;
    const commit = this.standIn.commit(fullName, { files: change });
    this.lastPushes.set(fullName.toLowerCase(), commit.payload);
    return { kind: 'pushed', folder, fullName, commit, added, modified, removed, delivery: { event: 'push', payload: commit.payload } };
  }

  private deleted(folder: string, fullName: string): ExampleOrgChange {
    const last = this.lastPushes.get(fullName.toLowerCase());
    this.standIn.deleteRepository(fullName);
    this.lastPushes.delete(fullName.toLowerCase());
    // GitHub's `repository.deleted` carries the repository as it was, with the same sender and organisation as its pushes.
    const delivery = last
      ? {
          event: 'repository' as const,
          payload: {
            action: 'deleted',
            repository: last.repository,
            ...(last.organization ? { organization: last.organization } : {}),
            ...(last.installation ? { installation: last.installation } : {}),
            sender: last.sender,
          },
        }
      : null;
    return { kind: 'deleted', folder, fullName, delivery };
  }
}
