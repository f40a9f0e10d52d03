import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { components } from '@octokit/openapi-types';
import type { Commit as PushCommit, Organization, PushEvent, User } from '@octokit/webhooks-types';
import {
  AppInstallations,
  type CreateAppOptions,
  type CreatedApp,
  type InstallationOptions,
  type InstallationState,
  type InstallationToken,
} from './app-installations';
import {
  blobSha,
  commitSha,
  EMPTY_TREE_SHA,
  githubBase64,
  type GitIdentity,
  type TreeEntry,
  type TreeObject,
  writeTrees,
  ZERO_SHA,
} from './git-objects';
import { OrgDirectory, type OrgRole, type TeamOptions, type TeamRole, type TeamState, type UserProfile, type UserState } from './org-directory';
import { paginate } from './pagination';
import { pushTemplates } from './webhook-examples';

export { ZERO_SHA } from './git-objects';

const DOCUMENTATION_URL = 'https://docs.github.com/rest';
const RATE_LIMIT_DOCS = 'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api';
const RATE_LIMIT = 5000;
const API_VERSION = '2022-11-28';

export interface GitHubStandInOptions {
  /** When set, every request must carry `Authorization: token <t>` or `Bearer <t>`. */
  token?: string;
  /** Owner used by `createRepository('name')` when the name has no `owner/` part. Default `acme`. */
  org?: string;
  /** Host used for `html_url`s (web links) in payloads and responses. Default `https://github.com`. */
  htmlUrl?: string;
  /**
   * When set, push payloads carry `installation: { id, node_id }` like a GitHub App delivery.
   * Without it, a push to a repository an installation (see `createInstallation`) covers
   * carries that installation.
   */
  installationId?: number;
  /** Lifetime of installation tokens; GitHub's is one hour. Tests shorten it to force renewals. */
  installationTokenLifetimeMs?: number;
  /** Clock for commit timestamps (and so commit SHAs). Default: the real clock. Tokens and JWTs always use the real clock. */
  now?: () => Date;
  /**
   * Recursive tree listings with more entries than this are cut to this many and answered
   * with `truncated: true`, as GitHub does past 100,000 entries or 7 MB (which the stand-in
   * otherwise never reaches). Listings of one level are never cut. Default: no limit.
   */
  recursiveTreeLimit?: number;
  /**
   * Endpoints answered with GitHub's 404 as if the server did not have them, to check that
   * a client copes with a GitHub (or stand-in) serving less: `branches` (`/branches[/{b}]`),
   * `commits` (`/commits/{ref}`), `repositories-by-id` (`/repositories/{id}/...`), `users`
   * (`/users/{login}`).
   */
  withoutEndpoints?: readonly OptionalEndpoint[];
}

export type OptionalEndpoint = 'branches' | 'commits' | 'repositories-by-id' | 'users';

export interface RepositoryOptions {
  defaultBranch?: string;
  private?: boolean;
  description?: string;
}

export interface PusherIdentity {
  login: string;
  name?: string;
  email?: string;
}

export interface CommitChange {
  /** Branch to commit on; default: the repository's default branch. Created when missing. */
  branch?: string;
  /** Path -> new content; `null` deletes the file. Paths are relative to the repository root. */
  files: Record<string, string | null>;
  message?: string;
  /**
   * Where a new branch starts (a branch name or commit SHA). Default: the head of the
   * default branch (like creating a branch in GitHub's UI); a root commit when the
   * repository is empty.
   */
  from?: string;
  /** Who authors and pushes the commit. Default `octocat`. */
  author?: PusherIdentity;
}

export interface CommitResult {
  before: string;
  after: string;
  payload: PushEvent;
}

export interface RecordedRequest {
  method: string;
  /** URL-decoded path, e.g. `/repos/acme/org/contents/docs/catalog-info.yaml`. */
  path: string;
  /** The path as received, e.g. `/repos/acme/org/contents/docs%2Fcatalog-info.yaml`. */
  rawPath: string;
  query: Record<string, string>;
  accept?: string;
  /** Response status (set once the response is sent). */
  status?: number;
}

interface OwnerState {
  login: string;
  id: number;
  nodeId: string;
  type: 'Organization' | 'User';
}

interface CommitState {
  sha: string;
  tree: string;
  parents: string[];
  message: string;
  date: Date;
  author: GitIdentity & { login: string };
  files: ReadonlyMap<string, string>;
}

interface RepoState {
  id: number;
  nodeId: string;
  owner: OwnerState;
  name: string;
  fullName: string;
  description: string | null;
  defaultBranch: string;
  private: boolean;
  archived: boolean;
  createdAt: Date;
  updatedAt: Date;
  pushedAt: Date | null;
  branches: Map<string, string>;
  commits: Map<string, CommitState>;
  trees: Map<string, TreeObject>;
  blobs: Map<string, string>;
}

/** What a matching request gets instead of its normal answer (see the `...Next` test controls). */
type Fault =
  | { kind: 'status'; status: number }
  | { kind: 'primary-rate-limit'; resetInSeconds: number }
  | { kind: 'secondary-rate-limit'; status: 403 | 429; retryAfterSeconds: number }
  | { kind: 'delay'; ms: number };

interface FaultRule {
  pattern: RegExp;
  remaining: number;
  fault: Fault;
}

/** Who a request authenticated as. */
type Principal =
  | { kind: 'anonymous' }
  | { kind: 'token' }
  | { kind: 'installation'; installation: InstallationState; token: InstallationToken }
  | { kind: 'app'; appId: number };

type Schemas = components['schemas'];

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Query = Record<string, string>;

interface RequestContext {
  method: string;
  segments: string[];
  query: Query;
  accept: string;
  /** Base URL the client used to reach us (from the Host header). */
  api: string;
  url: URL;
  principal: Principal;
  /** Parsed JSON request body (POST), or `{}`. */
  body: Record<string, unknown>;
}

interface Reply {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Send `body` (a string) as text/plain instead of JSON. */
  raw?: boolean;
}

/** Legacy GitHub global node id: base64("<len>:<Type><id>"). */
function legacyNodeId(type: string, id: number): string {
  const s = `${type}${id}`;
  return Buffer.from(`${String(s.length).padStart(2, '0')}:${s}`).toString('base64');
}

/**
 * The request's JSON body (`{}` when empty); undefined when it is not a JSON object. Bodies
 * are small here (token requests), so they are read whole.
 */
async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

function normalisePath(path: string): string {
  const parts = path.replace(/\\/g, '/').split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0 || parts.some((p) => p === '..' || p === '.git')) {
    throw new Error(`Invalid file path: ${JSON.stringify(path)}`);
  }
  return parts.join('/');
}

function countLines(text: string): number {
  if (text === '') return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

/** Line additions/deletions between two texts (multiset comparison, good enough for stats). */
function lineStats(before: string, after: string): { additions: number; deletions: number } {
  const count = new Map<string, number>();
  const lines = (t: string) => (t === '' ? [] : t.replace(/\n$/, '').split('\n'));
  for (const l of lines(before)) count.set(l, (count.get(l) ?? 0) + 1);
  let additions = 0;
  for (const l of lines(after)) {
    const n = count.get(l) ?? 0;
    if (n > 0) count.set(l, n - 1);
    else additions += 1;
  }
  let deletions = 0;
  for (const n of count.values()) deletions += n;
  return { additions, deletions };
}

interface FileChanges {
  added: string[];
  modified: string[];
  removed: string[];
}

function diffSnapshots(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): FileChanges {
  const added: string[] = [];
  const modified: string[] = [];
  const removed: string[] = [];
  for (const [path, content] of after) {
    if (!before.has(path)) added.push(path);
    else if (before.get(path) !== content) modified.push(path);
  }
  for (const path of before.keys()) if (!after.has(path)) removed.push(path);
  return { added: added.sort(), modified: modified.sort(), removed: removed.sort() };
}

/**
 * An in-memory simulation of the parts of GitHub that Callboard's ingestion uses: the REST
 * endpoints for repositories, file contents, git trees/blobs, commits, branches, org
 * repository listings and rate limits, plus push webhook payloads for simulated commits.
 *
 * Repositories hold a git-like history: each commit is a full snapshot of files, with
 * git-compatible blob, tree and commit SHAs. Owner and repository names are matched
 * case-insensitively, like GitHub.
 */
export class GitHubStandIn {
  /** Every request served, in order (method, decoded path, query, status). */
  readonly requests: RecordedRequest[] = [];

  private readonly token: string | undefined;
  private readonly defaultOrg: string;
  private readonly htmlBase: string;
  private readonly installationId: number | undefined;
  private readonly now: () => Date;
  private recursiveTreeLimit: number | undefined;
  private readonly withoutEndpoints: Set<OptionalEndpoint>;

  private readonly owners = new Map<string, OwnerState>();
  private readonly repos = new Map<string, RepoState>();
  /** Old `owner/name` (lower case) of a renamed or transferred repository -> its id, for GitHub's 301s. */
  private readonly movedRepos = new Map<string, number>();
  private readonly people: OrgDirectory;
  private readonly apps: AppInstallations;
  private readonly faults: FaultRule[] = [];
  private nextRepoId = 700_000_001;
  private nextOwnerId = 90_000_001;
  private rateLimit = RATE_LIMIT;
  private rateWindowSeconds = 3600;
  /** Only an explicitly configured limit refuses requests; the default just counts. */
  private rateLimitEnforced = false;
  private rateWindowReset = 0;
  private rateUsed = 0;

  private server: Server | undefined;
  private listeningUrl: string | undefined;

  constructor(options: GitHubStandInOptions = {}) {
    this.token = options.token || undefined;
    this.defaultOrg = options.org ?? 'acme';
    this.htmlBase = (options.htmlUrl ?? 'https://github.com').replace(/\/+$/, '');
    this.installationId = options.installationId;
    this.now = options.now ?? (() => new Date());
    this.recursiveTreeLimit = options.recursiveTreeLimit;
    this.withoutEndpoints = new Set(options.withoutEndpoints ?? []);
    // Real time, not `now`: that clock is the commits' (and so their SHAs'), and tokens expire in real time.
    this.people = new OrgDirectory(() => new Date());
    this.apps = new AppInstallations(() => new Date(), options.installationTokenLifetimeMs);
  }

  // ---------------------------------------------------------------- lifecycle

  /** Starts listening; resolves with the base URL, e.g. `http://127.0.0.1:41234`. */
  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    if (this.server) throw new Error('GitHubStandIn is already started');
    const server = createServer((req, res) => this.onRequest(req, res));
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const address = server.address() as AddressInfo;
    const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    this.listeningUrl = `http://${urlHost}:${address.port}`;
    return this.listeningUrl;
  }

  /** Stops listening and closes every open connection. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  /** The base URL once started (what to give Octokit as `baseUrl`). */
  get baseUrl(): string | undefined {
    return this.listeningUrl;
  }

  /** API base used in payload URLs: the stand-in's own URL once started, else api.github.com. */
  private get apiBase(): string {
    return this.listeningUrl ?? 'https://api.github.com';
  }

  // ---------------------------------------------------------------- test controls

  /**
   * Makes the next `count` requests whose path matches `path` fail with `status`. The
   * pattern is tested against the decoded path (`/repos/acme/x/contents/a/b.yaml`) and the
   * raw path (`/repos/acme/x/contents/a%2Fb.yaml`); the query string is not included.
   */
  /** See the option `recursiveTreeLimit`; `undefined` lifts the limit. */
  setRecursiveTreeLimit(limit: number | undefined): void {
    this.recursiveTreeLimit = limit;
  }

  /** See the option `withoutEndpoints`: `false` takes the endpoint away, `true` serves it again. */
  setEndpointServed(endpoint: OptionalEndpoint, served: boolean): void {
    if (served) this.withoutEndpoints.delete(endpoint);
    else this.withoutEndpoints.add(endpoint);
  }

  failNext(path: RegExp, count: number, status = 500): void {
    this.addFault(path, count, { kind: 'status', status });
  }

  /**
   * The next `count` matching requests hit GitHub's primary rate limit: 403 with
   * `x-ratelimit-remaining: 0` and `x-ratelimit-reset` `resetInSeconds` from now.
   */
  rateLimitNext(path: RegExp, count: number, options: { resetInSeconds?: number } = {}): void {
    this.addFault(path, count, { kind: 'primary-rate-limit', resetInSeconds: options.resetInSeconds ?? 1 });
  }

  /** The next `count` matching requests hit a secondary rate limit: 403 (or 429) with `retry-after`. */
  secondaryRateLimitNext(path: RegExp, count: number, options: { retryAfterSeconds?: number; status?: 403 | 429 } = {}): void {
    this.addFault(path, count, { kind: 'secondary-rate-limit', status: options.status ?? 403, retryAfterSeconds: options.retryAfterSeconds ?? 1 });
  }

  /**
   * The next `count` matching requests are answered only after `ms` (then normally, or with a
   * failure rule that also matches). `Infinity` never answers: a client timeout.
   */
  delayNext(path: RegExp, count: number, ms: number): void {
    this.addFault(path, count, { kind: 'delay', ms });
  }

  /**
   * A real primary rate limit: `limit` requests per `windowSeconds`, counted from now; once
   * used up, every request is refused (403, `x-ratelimit-remaining: 0`) until the window resets.
   */
  setRateLimit(limit: number, windowSeconds = 3600): void {
    this.rateLimit = limit;
    this.rateWindowSeconds = windowSeconds;
    this.rateLimitEnforced = true;
    this.rateWindowReset = Math.floor(Date.now() / 1000) + windowSeconds;
    this.rateUsed = 0;
  }

  /** Drops every pending fault rule (failures, rate limits, delays): GitHub is healthy again. */
  clearFaults(): void {
    this.faults.length = 0;
  }

  private addFault(pattern: RegExp, count: number, fault: Fault): void {
    if (count > 0) this.faults.push({ pattern, remaining: count, fault });
  }

  /** Takes one use of the first rule of a kind matching the path. */
  private takeFault(path: string, rawPath: string, kinds: Array<Fault['kind']>): Fault | undefined {
    const rule = this.faults.find((f) => {
      if (f.remaining <= 0 || !kinds.includes(f.fault.kind)) return false;
      f.pattern.lastIndex = 0;
      const hit = f.pattern.test(path);
      f.pattern.lastIndex = 0;
      return hit || f.pattern.test(rawPath);
    });
    if (!rule) return undefined;
    rule.remaining -= 1;
    if (rule.remaining <= 0) this.faults.splice(this.faults.indexOf(rule), 1);
    return rule.fault;
  }

  // ---------------------------------------------------------------- repository state

  /** Creates an empty repository; returns its id (what installations and payloads refer to). */
  createRepository(fullName: string, options: RepositoryOptions = {}): number {
    const [ownerLogin, name] = this.splitFullName(fullName);
    const key = `${ownerLogin}/${name}`.toLowerCase();
    if (this.repos.has(key)) throw new Error(`Repository ${fullName} already exists`);
    if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new Error(`Invalid repository name: ${name}`);
    const owner = this.ensureOwner(ownerLogin);
    const id = this.nextRepoId++;
    const now = this.now();
    this.movedRepos.delete(key);
    this.repos.set(key, {
      id,
      nodeId: legacyNodeId('Repository', id),
      owner,
      name,
      fullName: `${owner.login}/${name}`,
      description: options.description ?? null,
      defaultBranch: options.defaultBranch ?? 'main',
      private: options.private ?? false,
      archived: false,
      createdAt: now,
      updatedAt: now,
      pushedAt: null,
      branches: new Map(),
      commits: new Map(),
      trees: new Map(),
      blobs: new Map(),
    });
    return id;
  }

  /** Removes a repository (subsequent API calls answer 404); it leaves installations' selections. */
  deleteRepository(fullName: string): void {
    const repo = this.mustRepo(fullName);
    this.repos.delete(repo.fullName.toLowerCase());
    this.apps.forgetRepository(repo.id);
    for (const [oldName, id] of this.movedRepos) if (id === repo.id) this.movedRepos.delete(oldName);
  }

  /**
   * Renames a repository. Like GitHub, the id stays and the old name answers
   * `301 Moved Permanently` to `/repositories/{id}/...` until another repository takes it.
   */
  renameRepository(fullName: string, newName: string): void {
    const repo = this.mustRepo(fullName);
    this.moveRepository(repo, repo.owner, newName);
  }

  /**
   * Transfers a repository to another owner (optionally renaming it). The id stays, the old
   * name redirects, and it leaves the selections of installations on the old owner.
   */
  transferRepository(fullName: string, newOwner: string, newName?: string): void {
    const repo = this.mustRepo(fullName);
    const owner = this.ensureOwner(newOwner);
    if (owner !== repo.owner) this.apps.forgetRepository(repo.id);
    this.moveRepository(repo, owner, newName ?? repo.name);
  }

  /**
   * Renames an organisation (or user) as GitHub does: same id, new login; its repositories,
   * members, teams and the App's installations on it follow, and the old repository names
   * redirect like renamed repositories'.
   */
  renameOwner(oldLogin: string, newLogin: string): void {
    const owner = this.mustOwner(oldLogin);
    if (!/^[A-Za-z0-9][A-Za-z0-9-]*$/.test(newLogin)) throw new Error(`Invalid login: ${newLogin}`);
    if (newLogin.toLowerCase() !== oldLogin.toLowerCase() && this.owners.has(newLogin.toLowerCase())) throw new Error(`${newLogin} already exists`);
    const repositories = [...this.repos.values()].filter((r) => r.owner === owner);
    this.owners.delete(owner.login.toLowerCase());
    owner.login = newLogin;
    this.owners.set(newLogin.toLowerCase(), owner);
    for (const repo of repositories) this.moveRepository(repo, owner, repo.name);
    this.people.renameOrg(oldLogin, newLogin);
    this.apps.renameAccount(oldLogin, newLogin);
  }

  /** Changes the default branch, which must exist (any name while the repository is empty). */
  setDefaultBranch(fullName: string, branch: string): void {
    const repo = this.mustRepo(fullName);
    if (repo.commits.size > 0 && !repo.branches.has(branch)) throw new Error(`Unknown branch ${branch} in ${repo.fullName}`);
    repo.defaultBranch = branch;
    repo.updatedAt = this.now();
  }

  private moveRepository(repo: RepoState, owner: OwnerState, name: string): void {
    if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new Error(`Invalid repository name: ${name}`);
    const oldKey = repo.fullName.toLowerCase();
    const newKey = `${owner.login}/${name}`.toLowerCase();
    if (newKey !== oldKey && this.repos.has(newKey)) throw new Error(`Repository ${owner.login}/${name} already exists`);
    this.repos.delete(oldKey);
    repo.owner = owner;
    repo.name = name;
    repo.fullName = `${owner.login}/${name}`;
    repo.updatedAt = this.now();
    this.repos.set(newKey, repo);
    this.movedRepos.delete(newKey);
    if (newKey !== oldKey) this.movedRepos.set(oldKey, repo.id);
  }

  /** Marks a repository archived (or not); the REST repository object reflects it. */
  setArchived(fullName: string, archived = true): void {
    const repo = this.mustRepo(fullName);
    repo.archived = archived;
    repo.updatedAt = this.now();
  }

  /** Head commit SHA of a branch (default: the default branch), or undefined. */
  headSha(fullName: string, branch?: string): string | undefined {
    const repo = this.mustRepo(fullName);
    return repo.branches.get(branch ?? repo.defaultBranch);
  }

  /** The files at a ref (branch, SHA; default: default branch head). */
  files(fullName: string, ref?: string): Record<string, string> {
    const repo = this.mustRepo(fullName);
    const commit = this.resolveCommit(repo, ref ?? repo.defaultBranch);
    if (!commit) throw new Error(`Unknown ref ${ref ?? repo.defaultBranch} in ${repo.fullName}`);
    return Object.fromEntries(commit.files);
  }

  /** Full names of all repositories, in creation order. */
  repositories(): string[] {
    return [...this.repos.values()].sort((a, b) => a.id - b.id).map((r) => r.fullName);
  }

  /**
   * Commits a change on a branch and returns the push webhook payload GitHub would deliver
   * for pushing exactly that commit. `null` content deletes a file.
   */
  commit(fullName: string, change: CommitChange): CommitResult {
    const repo = this.mustRepo(fullName);
    const branch = change.branch ?? repo.defaultBranch;
    if (!branch || /[\s~^:?*[\\]|\.\.|^\/|\/$|\.lock$/.test(branch)) throw new Error(`Invalid branch name: ${branch}`);
    const before = repo.branches.get(branch) ?? ZERO_SHA;
    let parent: CommitState | undefined;
    if (before !== ZERO_SHA) {
      parent = repo.commits.get(before);
    } else if (change.from !== undefined) {
      parent = this.resolveCommit(repo, change.from);
      if (!parent) throw new Error(`Unknown ref ${change.from} in ${repo.fullName}`);
    } else {
      const defaultHead = repo.branches.get(repo.defaultBranch);
      parent = defaultHead ? repo.commits.get(defaultHead) : undefined;
    }

    const files = new Map(parent?.files ?? []);
    const touched: string[] = [];
    for (const [rawPath, content] of Object.entries(change.files)) {
      const path = normalisePath(rawPath);
      touched.push(path);
      if (content === null) files.delete(path);
      else files.set(path, content);
    }
    const paths = [...files.keys()];
    const asDirs = new Set(paths.flatMap((p) => p.split('/').slice(0, -1).map((_, i, a) => a.slice(0, i + 1).join('/'))));
    const clash = paths.find((p) => asDirs.has(p));
    if (clash) throw new Error(`${clash} cannot be both a file and a folder`);

    const changes = diffSnapshots(parent?.files ?? new Map(), files);
    const tree = writeTrees(files, repo.trees, repo.blobs);
    const author = this.identity(change.author);
    const date = this.now();
    const message = change.message ?? this.defaultMessage(touched, changes);
    const parents = parent ? [parent.sha] : [];
    const sha = commitSha({ tree, parents, author, committer: author, date, message });
    const commit: CommitState = { sha, tree, parents, message, date, author, files };
    repo.commits.set(sha, commit);
    repo.branches.set(branch, sha);
    repo.pushedAt = date;
    repo.updatedAt = date;

    const payload = this.pushPayload(repo, { branch, before, commit, changes, parentSha: parent?.sha });
    return { before, after: sha, payload };
  }

  /**
   * Force-pushes a branch (default: the default branch) back to an existing commit, as
   * `git push --force` of an older commit does, and returns GitHub's payload for it:
   * `forced: true`, no commits listed, `head_commit` that commit (with its own, older time),
   * `pushed_at` the time of the push.
   */
  forcePush(fullName: string, to: string, branch?: string): CommitResult {
    const repo = this.mustRepo(fullName);
    const name = branch ?? repo.defaultBranch;
    const before = repo.branches.get(name);
    if (!before) throw new Error(`Unknown branch ${name} in ${repo.fullName}`);
    const target = this.resolveCommit(repo, to);
    if (!target) throw new Error(`Unknown ref ${to} in ${repo.fullName}`);
    repo.branches.set(name, target.sha);
    const pushedAt = new Date(Math.max(this.now().getTime(), (repo.pushedAt?.getTime() ?? 0) + 1000));
    repo.pushedAt = pushedAt;
    repo.updatedAt = pushedAt;
    const changes = diffSnapshots(repo.commits.get(before)?.files ?? new Map(), target.files);
    const payload = this.pushPayload(repo, { branch: name, before, commit: target, changes });
    return { before, after: target.sha, payload: { ...payload, forced: true, commits: [] } };
  }

  // ---------------------------------------------------------------- GitHub Apps

  /**
   * Registers a GitHub App with a fresh RSA key pair (or `options.privateKey`). From then on
   * the REST endpoints want a valid installation token (or the static `token`), and the App's
   * endpoints a JWT signed with its key.
   */
  createApp(options: CreateAppOptions = {}): CreatedApp {
    return this.apps.createApp(options);
  }

  /**
   * Installs an App on an account (an organisation), for the named repositories or `'all'`
   * of the account's (including later ones). Returns the installation id.
   */
  createInstallation(appId: number, account: string, repositories: string[] | 'all', options: InstallationOptions = {}): number {
    const owner = this.ensureOwner(account);
    return this.apps.createInstallation(appId, owner.login, repositories === 'all' ? 'all' : this.repoIdsOf(repositories, owner), options).id;
  }

  addInstallationRepositories(installationId: number, repositories: string[]): void {
    this.apps.addRepositories(installationId, this.repoIdsOf(repositories, this.installationOwner(installationId)));
  }

  removeInstallationRepositories(installationId: number, repositories: string[]): void {
    this.apps.removeRepositories(installationId, this.repoIdsOf(repositories, this.installationOwner(installationId)));
  }

  /** Switches an installation between `'all'` of the account's repositories and a selection. */
  setInstallationRepositories(installationId: number, repositories: string[] | 'all'): void {
    const owner = this.installationOwner(installationId);
    this.apps.setRepositories(installationId, repositories === 'all' ? 'all' : this.repoIdsOf(repositories, owner));
  }

  /** Suspends an installation: its tokens and token requests get 403 until unsuspended. */
  suspendInstallation(installationId: number): void {
    this.apps.suspend(installationId);
  }

  unsuspendInstallation(installationId: number): void {
    this.apps.unsuspend(installationId);
  }

  /** Uninstalls the App from the account: its tokens stop working (401), the installation 404s. */
  deleteInstallation(installationId: number): void {
    this.apps.delete(installationId);
  }

  /** Lifetime of tokens issued from now on (GitHub's: one hour). */
  setInstallationTokenLifetime(ms: number): void {
    this.apps.tokenLifetimeMs = ms;
  }

  /** Expires every token already issued (for one installation, or all), as an hour passing would. */
  expireInstallationTokens(installationId?: number): void {
    this.apps.expireTokens(installationId);
  }

  /** Installation tokens issued so far, oldest first: `{ token, installationId, issuedAt, expiresAt }`. */
  installationTokens(installationId?: number): InstallationToken[] {
    return this.apps.issuedTokens(installationId);
  }

  private installationOwner(installationId: number): OwnerState {
    const installation = this.apps.installation(installationId);
    if (!installation) throw new Error(`Unknown installation ${installationId}`);
    return this.ensureOwner(installation.account);
  }

  private repoIdsOf(repositories: string[], owner: OwnerState): number[] {
    return repositories.map((name) => {
      const repo = this.mustRepo(name.includes('/') ? name : `${owner.login}/${name}`);
      if (repo.owner !== owner) throw new Error(`${repo.fullName} does not belong to ${owner.login}`);
      return repo.id;
    });
  }

  // ---------------------------------------------------------------- organisation people

  /** Creates or updates a user's profile (`name`, `email`), as `GET /users/{login}` shows it. */
  setUser(login: string, profile: UserProfile = {}): void {
    this.people.ensureUser(login, profile);
  }

  /** Adds someone to an organisation (created if needed), or changes their role. */
  addOrgMember(org: string, login: string, options: UserProfile & { role?: OrgRole } = {}): void {
    const owner = this.ensureOwner(org);
    const { role, ...profile } = options;
    this.people.addMember(owner.login, login, role, profile);
  }

  /** Removes someone from an organisation and from all of its teams. */
  removeOrgMember(org: string, login: string): void {
    this.people.removeMember(this.mustOrg(org).login, login);
  }

  /** Creates a team (optionally under `parent`, a slug); returns its slug. */
  createTeam(org: string, name: string, options: TeamOptions = {}): string {
    return this.people.createTeam(this.ensureOwner(org).login, name, options).slug;
  }

  /** Renames a team; returns the new slug (the old one then 404s, as on GitHub). */
  renameTeam(org: string, slug: string, newName: string): string {
    return this.people.renameTeam(this.mustOrg(org).login, slug, newName).slug;
  }

  /** Deletes a team and its child teams; returns the deleted slugs. */
  deleteTeam(org: string, slug: string): string[] {
    return this.people.deleteTeam(this.mustOrg(org).login, slug).map((t) => t.slug);
  }

  /** Sets (or, with `null`, clears) a team's parent team. */
  setTeamParent(org: string, slug: string, parentSlug: string | null): void {
    this.people.setParent(this.mustOrg(org).login, slug, parentSlug);
  }

  /** Adds someone to a team (and so to the organisation), or changes their team role. */
  addTeamMember(org: string, slug: string, login: string, role: TeamRole = 'member'): void {
    this.people.addTeamMember(this.mustOrg(org).login, slug, login, role);
  }

  removeTeamMember(org: string, slug: string, login: string): void {
    this.people.removeTeamMember(this.mustOrg(org).login, slug, login);
  }

  private mustOrg(login: string): OwnerState {
    const owner = this.owners.get(login.toLowerCase());
    if (!owner) throw new Error(`Unknown organisation ${login}`);
    return owner;
  }

  // ---------------------------------------------------------------- payloads

  private pushPayload(
    repo: RepoState,
    push: { branch: string; before: string; commit: CommitState; changes: FileChanges; parentSha?: string },
  ): PushEvent {
    const templates = pushTemplates();
    const example = structuredClone(templates.push);
    const { commit, branch, before, changes } = push;
    const created = before === ZERO_SHA;
    const html = `${this.htmlBase}/${repo.fullName}`;
    const pusherUser = this.userObject(commit.author.login);

    const payloadCommit: PushCommit = {
      ...structuredClone(example.head_commit ?? example.commits[0]),
      id: commit.sha,
      tree_id: commit.tree,
      distinct: true,
      message: commit.message,
      timestamp: isoSeconds(commit.date),
      url: `${html}/commit/${commit.sha}`,
      author: { name: commit.author.name, email: commit.author.email, username: commit.author.login },
      committer: { name: commit.author.name, email: commit.author.email, username: commit.author.login },
      added: changes.added,
      removed: changes.removed,
      modified: changes.modified,
    };

    let compare: string;
    if (!created) compare = `${html}/compare/${before.slice(0, 12)}...${commit.sha.slice(0, 12)}`;
    else if (push.parentSha) compare = `${html}/compare/${encodeURIComponent(branch)}`;
    else compare = `${html}/commit/${commit.sha}`;

    const payload: PushEvent = {
      ...example,
      ref: `refs/heads/${branch}`,
      before,
      after: commit.sha,
      created,
      deleted: false,
      forced: false,
      base_ref: null,
      compare,
      commits: [payloadCommit],
      head_commit: structuredClone(payloadCommit),
      repository: this.payloadRepository(repo, example.repository),
      pusher: { name: commit.author.login, email: commit.author.email },
      sender: pusherUser,
    };
    if (repo.owner.type === 'Organization') payload.organization = this.organizationObject(repo.owner, templates.organization);
    else delete payload.organization;
    const installationId = this.installationId ?? this.apps.installationCovering({ id: repo.id, ownerLogin: repo.owner.login })?.id;
    if (installationId !== undefined) {
      payload.installation = {
        id: installationId,
        node_id: legacyNodeId('IntegrationInstallation', installationId),
      };
    } else {
      delete payload.installation;
    }
    return payload;
  }

  private payloadRepository(repo: RepoState, template: PushEvent['repository']): PushEvent['repository'] {
    const api = this.apiBase;
    const html = `${this.htmlBase}/${repo.fullName}`;
    const templateFullName = template.full_name;
    const rewritten = JSON.parse(
      JSON.stringify(template)
        .split(`https://api.github.com/repos/${templateFullName}`)
        .join(`${api}/repos/${repo.fullName}`)
        .split(`https://github.com/${templateFullName}`)
        .join(html),
    ) as PushEvent['repository'];
    const host = new URL(this.htmlBase).host;
    return {
      ...rewritten,
      id: repo.id,
      node_id: repo.nodeId,
      name: repo.name,
      full_name: repo.fullName,
      private: repo.private,
      owner: { ...this.ownerObject(repo.owner), name: repo.owner.login, email: null },
      html_url: html,
      description: repo.description,
      fork: false,
      // Push payloads (only) use the web URL as `url`, like GitHub.
      url: html,
      created_at: epochSeconds(repo.createdAt),
      updated_at: isoSeconds(repo.updatedAt),
      pushed_at: epochSeconds(repo.pushedAt ?? repo.updatedAt),
      git_url: `git://${host}/${repo.fullName}.git`,
      ssh_url: `git@${host}:${repo.fullName}.git`,
      clone_url: `${html}.git`,
      svn_url: html,
      homepage: null,
      size: this.repoSize(repo),
      stargazers_count: 0,
      watchers_count: 0,
      language: null,
      forks_count: 0,
      mirror_url: null,
      archived: repo.archived,
      disabled: false,
      open_issues_count: 0,
      license: null,
      forks: 0,
      open_issues: 0,
      watchers: 0,
      default_branch: repo.defaultBranch,
      stargazers: 0,
      master_branch: repo.defaultBranch,
      ...(repo.owner.type === 'Organization' ? { organization: repo.owner.login } : {}),
      is_template: false,
      topics: [],
      visibility: repo.private ? 'private' : 'public',
      web_commit_signoff_required: false,
    };
  }

  private organizationObject(owner: OwnerState, template: Organization): Organization {
    const api = this.apiBase;
    return {
      ...template,
      login: owner.login,
      id: owner.id,
      node_id: owner.nodeId,
      url: `${api}/orgs/${owner.login}`,
      repos_url: `${api}/orgs/${owner.login}/repos`,
      events_url: `${api}/orgs/${owner.login}/events`,
      hooks_url: `${api}/orgs/${owner.login}/hooks`,
      issues_url: `${api}/orgs/${owner.login}/issues`,
      members_url: `${api}/orgs/${owner.login}/members{/member}`,
      public_members_url: `${api}/orgs/${owner.login}/public_members{/member}`,
      avatar_url: `https://avatars.githubusercontent.com/u/${owner.id}?v=4`,
      description: '',
    };
  }

  private ownerObject(owner: { login: string; id: number; nodeId: string; type: User['type'] }, api = this.apiBase): User {
    const u = `${api}/users/${owner.login}`;
    return {
      login: owner.login,
      id: owner.id,
      node_id: owner.nodeId,
      avatar_url: `https://avatars.githubusercontent.com/u/${owner.id}?v=4`,
      gravatar_id: '',
      url: u,
      html_url: `${this.htmlBase}/${owner.login}`,
      followers_url: `${u}/followers`,
      following_url: `${u}/following{/other_user}`,
      gists_url: `${u}/gists{/gist_id}`,
      starred_url: `${u}/starred{/owner}{/repo}`,
      subscriptions_url: `${u}/subscriptions`,
      organizations_url: `${u}/orgs`,
      repos_url: `${u}/repos`,
      events_url: `${u}/events{/privacy}`,
      received_events_url: `${u}/received_events`,
      type: owner.type,
      site_admin: false,
    };
  }

  private userObject(login: string, api = this.apiBase): User {
    const user = this.ensureUser(login);
    return this.ownerObject({ login: user.login, id: user.id, nodeId: legacyNodeId('User', user.id), type: 'User' }, api);
  }

  // ---------------------------------------------------------------- helpers

  private splitFullName(fullName: string): [string, string] {
    const parts = fullName.split('/');
    if (parts.length === 1 && parts[0]) return [this.defaultOrg, parts[0]];
    if (parts.length === 2 && parts[0] && parts[1]) return [parts[0], parts[1]];
    throw new Error(`Invalid repository name: ${fullName} (expected owner/name)`);
  }

  private mustRepo(fullName: string): RepoState {
    const [owner, name] = this.splitFullName(fullName);
    const repo = this.repos.get(`${owner}/${name}`.toLowerCase());
    if (!repo) throw new Error(`Unknown repository ${fullName}`);
    return repo;
  }

  private ensureOwner(login: string): OwnerState {
    const key = login.toLowerCase();
    let owner = this.owners.get(key);
    if (!owner) {
      const id = this.nextOwnerId++;
      owner = { login, id, nodeId: legacyNodeId('Organization', id), type: 'Organization' };
      this.owners.set(key, owner);
    }
    return owner;
  }

  private ensureUser(login: string): UserState {
    return this.people.ensureUser(login);
  }

  private identity(author?: PusherIdentity): GitIdentity & { login: string } {
    const login = author?.login ?? 'octocat';
    const user = this.ensureUser(login);
    return {
      login: user.login,
      name: author?.name ?? user.login,
      email: author?.email ?? `${user.id}+${user.login}@users.noreply.github.com`,
    };
  }

  private defaultMessage(touched: string[], changes: FileChanges): string {
    if (touched.length === 1) {
      const path = touched[0];
      if (changes.added.includes(path)) return `Create ${path}`;
      if (changes.removed.includes(path)) return `Delete ${path}`;
      return `Update ${path}`;
    }
    if (touched.length === 0) return 'Empty commit';
    return `Update ${touched.length} files`;
  }

  private repoSize(repo: RepoState): number {
    let bytes = 0;
    for (const content of repo.blobs.values()) bytes += Buffer.byteLength(content, 'utf8');
    return Math.ceil(bytes / 1024);
  }

  private resolveCommit(repo: RepoState, ref: string): CommitState | undefined {
    let name = ref;
    if (name.startsWith('refs/heads/')) name = name.slice('refs/heads/'.length);
    else if (name.startsWith('heads/')) name = name.slice('heads/'.length);
    const branchHead = repo.branches.get(name);
    if (branchHead) return repo.commits.get(branchHead);
    const lower = ref.toLowerCase();
    if (/^[0-9a-f]{40}$/.test(lower)) return repo.commits.get(lower);
    if (/^[0-9a-f]{7,39}$/.test(lower)) {
      const matches = [...repo.commits.keys()].filter((sha) => sha.startsWith(lower));
      if (matches.length === 1) return repo.commits.get(matches[0]);
    }
    return undefined;
  }

  /** Tree SHA of a folder inside a root tree, or undefined. */
  private subtree(repo: RepoState, rootTree: string, dir: string): TreeObject | undefined {
    let tree = repo.trees.get(rootTree);
    if (dir === '') return tree;
    for (const part of dir.split('/')) {
      const entry = tree?.entries.find((e) => e.name === part && e.type === 'tree');
      tree = entry ? repo.trees.get(entry.sha) : undefined;
      if (!tree) return undefined;
    }
    return tree;
  }

  // ---------------------------------------------------------------- HTTP

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    this.handle(req, res).catch((error: unknown) => {
      // Only a bug in the stand-in gets here; answer rather than leave the client hanging.
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end(`Stand-in error: ${String(error)}`);
      else res.destroy();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://stand-in.invalid');
    const rawPath = url.pathname;
    const segments = rawPath
      .split('/')
      .filter((s) => s !== '')
      .map((s) => {
        try {
          return decodeURIComponent(s);
        } catch {
          return s;
        }
      });
    const path = `/${segments.join('/')}`;
    const query: Query = Object.fromEntries(url.searchParams);
    const accept = req.headers.accept ?? '';
    const method = (req.method ?? 'GET').toUpperCase();
    const record: RecordedRequest = { method, path, rawPath, query, ...(accept ? { accept } : {}) };
    this.requests.push(record);

    const hostHeader = req.headers.host;
    const api = hostHeader ? `http://${hostHeader}` : this.apiBase;
    const send = (reply: Reply) => {
      // A delayed answer may find its client gone (timed out) or the stand-in stopped.
      if (res.destroyed || res.writableEnded) return;
      const status = reply.status ?? 200;
      record.status = status;
      const headers: Record<string, string> = {
        'content-type': reply.raw ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
        'x-github-media-type': reply.raw ? 'github.v3; param=raw' : 'github.v3; format=json',
        'x-github-api-version-selected': API_VERSION,
        'x-github-request-id': randomBytes(8).toString('hex').toUpperCase(),
        ...this.rateLimitHeaders(),
        ...reply.headers,
      };
      const text = reply.raw ? String(reply.body) : JSON.stringify(reply.body);
      headers['content-length'] = String(Buffer.byteLength(text, 'utf8'));
      res.writeHead(status, headers);
      res.end(method === 'HEAD' ? undefined : text);
    };
    const error = (status: number, message: string, documentationUrl = DOCUMENTATION_URL): Reply => ({
      status,
      body: { message, documentation_url: documentationUrl, status: String(status) },
    });

    const body = await readJsonBody(req);
    const delay = this.takeFault(path, rawPath, ['delay']);
    if (delay?.kind === 'delay') {
      // Never answered: the client's timeout (or stop()) ends the request.
      if (!Number.isFinite(delay.ms)) return;
      await new Promise((resolve) => setTimeout(resolve, delay.ms));
    }
    try {
      if (body === undefined) throw new HttpError(400, 'Problems parsing JSON');
      const principal = this.authenticate(req.headers.authorization, segments);
      if (this.quotaExhausted()) {
        send(this.primaryRateLimitReply(principal, this.rateWindowReset));
        return;
      }
      const fault = this.takeFault(path, rawPath, ['status', 'primary-rate-limit', 'secondary-rate-limit']);
      if (fault?.kind === 'status') {
        send(error(fault.status, STATUS_CODES[fault.status] ?? 'Error'));
      } else if (fault?.kind === 'primary-rate-limit') {
        send(this.primaryRateLimitReply(principal, Math.floor(Date.now() / 1000) + fault.resetInSeconds));
      } else if (fault?.kind === 'secondary-rate-limit') {
        send({
          ...error(
            fault.status,
            'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.',
            `${RATE_LIMIT_DOCS}#about-secondary-rate-limits`,
          ),
          headers: { 'retry-after': String(fault.retryAfterSeconds) },
        });
      } else {
        send(this.route({ method, segments, query, accept, api, url, principal, body }));
      }
    } catch (caught) {
      if (caught instanceof HttpError) {
        send(error(caught.status, caught.message));
      } else {
        send({
          status: 500,
          body: { message: `Stand-in error: ${caught instanceof Error ? caught.message : String(caught)}`, status: '500' },
        });
      }
    }
  }

  /** GitHub's App endpoints, which take the App's JWT rather than a token. */
  private isAppRoute(segments: string[]): boolean {
    const [first, , , fourth] = segments;
    if (first === 'app') return true;
    if ((first === 'orgs' || first === 'users') && segments.length === 3 && segments[2] === 'installation') return true;
    return first === 'repos' && segments.length === 4 && fourth === 'installation';
  }

  private authenticate(authorization: string | undefined, segments: string[]): Principal {
    const credentials = /^(?:token|bearer)\s+(.+)$/i.exec(authorization ?? '')?.[1].trim();
    if (this.isAppRoute(segments)) {
      const verdict = this.apps.verifyJwt(credentials ?? '');
      if (!verdict.ok) throw new HttpError(401, verdict.message);
      return { kind: 'app', appId: verdict.app.id };
    }
    if (!this.token && !this.apps.hasApps) return { kind: 'anonymous' };
    if (credentials !== undefined && credentials === this.token) return { kind: 'token' };
    const check = credentials === undefined ? undefined : this.apps.checkToken(credentials);
    if (check?.ok) return { kind: 'installation', installation: check.installation, token: check.token };
    if (check) throw new HttpError(check.status, check.message);
    throw new HttpError(401, 'Bad credentials');
  }

  /** Rolls the rate-limit window; true when an enforced limit is used up. */
  private quotaExhausted(): boolean {
    const nowSeconds = Math.floor(Date.now() / 1000);
    if (nowSeconds >= this.rateWindowReset) {
      this.rateWindowReset = nowSeconds + this.rateWindowSeconds;
      this.rateUsed = 0;
    }
    return this.rateLimitEnforced && this.rateUsed >= this.rateLimit;
  }

  private primaryRateLimitReply(principal: Principal, resetAt: number): Reply {
    const who =
      principal.kind === 'installation' ? `installation ID ${principal.installation.id}` : principal.kind === 'anonymous' ? '127.0.0.1' : 'user ID 583231';
    return {
      status: 403,
      body: {
        message: `API rate limit exceeded for ${who}. If you reach out to GitHub Support for help, please include the request ID.`,
        documentation_url: `${RATE_LIMIT_DOCS}#about-primary-rate-limits`,
        status: '403',
      },
      headers: {
        'x-ratelimit-limit': String(this.rateLimit),
        'x-ratelimit-remaining': '0',
        'x-ratelimit-used': String(this.rateLimit),
        'x-ratelimit-reset': String(resetAt),
      },
    };
  }

  private rateLimitHeaders(): Record<string, string> {
    this.quotaExhausted();
    this.rateUsed += 1;
    return {
      'x-ratelimit-limit': String(this.rateLimit),
      'x-ratelimit-remaining': String(Math.max(0, this.rateLimit - this.rateUsed)),
      'x-ratelimit-reset': String(this.rateWindowReset),
      'x-ratelimit-used': String(this.rateUsed),
      'x-ratelimit-resource': 'core',
    };
  }

  private route(ctx: RequestContext): Reply {
    const s = ctx.segments;
    // The stand-in serves reads; the one write it knows is the token exchange.
    const tokenExchange = s[0] === 'app' && s.length === 4 && s[1] === 'installations' && s[3] === 'access_tokens';
    if (tokenExchange ? ctx.method !== 'POST' : ctx.method !== 'GET' && ctx.method !== 'HEAD') throw new HttpError(404, 'Not Found');
    if (s.length === 0) {
      return {
        body: {
          current_user_url: `${ctx.api}/user`,
          installation_repositories_url: `${ctx.api}/installation/repositories`,
          organization_repositories_url: `${ctx.api}/orgs/{org}/repos{?type,page,per_page,sort}`,
          organization_teams_url: `${ctx.api}/orgs/{org}/teams`,
          rate_limit_url: `${ctx.api}/rate_limit`,
          repository_url: `${ctx.api}/repos/{owner}/{repo}`,
          user_url: `${ctx.api}/users/{user}`,
        },
      };
    }
    if (s[0] === 'rate_limit' && s.length === 1) return { body: this.rateLimitBody() };
    if (s[0] === 'app') return this.appRoute(s.slice(1), ctx);
    if ((s[0] === 'orgs' || s[0] === 'users') && s.length === 3 && s[2] === 'installation') {
      return { body: this.installationJson(this.appInstallationOn(ctx, s[1]), ctx.api) };
    }
    if (s[0] === 'installation' && s[1] === 'repositories' && s.length === 2) return this.installationRepositories(ctx);
    if (s[0] === 'users' && s.length === 2) {
      if (this.withoutEndpoints.has('users')) throw new HttpError(404, 'Not Found');
      return { body: this.publicUserJson(s[1], ctx.api) };
    }
    if (s[0] === 'orgs' && s.length === 2) return { body: this.orgJson(this.mustOwner(s[1]), ctx.api) };
    if (s[0] === 'orgs' && s.length === 3 && s[2] === 'repos') return this.orgRepos(s[1], ctx);
    if (s[0] === 'orgs' && s.length >= 3 && (s[2] === 'members' || s[2] === 'teams')) return this.orgPeopleRoute(s[1], s.slice(2), ctx);
    if (s[0] === 'raw' && s.length >= 5) return this.rawFile(s, ctx);
    if (s[0] === 'repositories' && s.length >= 2) {
      if (this.withoutEndpoints.has('repositories-by-id')) throw new HttpError(404, 'Not Found');
      const repo = [...this.repos.values()].find((r) => String(r.id) === s[1]);
      if (!repo || !this.canSee(ctx.principal, repo)) throw new HttpError(404, 'Not Found');
      return this.repoRoute(repo, s.slice(2), ctx);
    }
    if (s[0] !== 'repos' || s.length < 3) throw new HttpError(404, 'Not Found');

    const key = `${s[1]}/${s[2]}`.toLowerCase();
    const rest = s.slice(3);
    const repo = this.repos.get(key);
    if (rest.length === 1 && rest[0] === 'installation') {
      const installation = repo && this.appPrincipalInstallations(ctx).find((i) => this.apps.covers(i, this.repoRef(repo)));
      if (!installation) throw new HttpError(404, 'Not Found');
      return { body: this.installationJson(installation, ctx.api) };
    }
    if (repo) {
      if (!this.canSee(ctx.principal, repo)) throw new HttpError(404, 'Not Found');
      return this.repoRoute(repo, rest, ctx);
    }
    const movedId = this.movedRepos.get(key);
    const moved = movedId === undefined ? undefined : [...this.repos.values()].find((r) => r.id === movedId);
    if (moved && this.canSee(ctx.principal, moved)) {
      // GitHub's answer for an old name: clients (fetch, Octokit) follow it to the repository's id URL.
      const location = `${ctx.api}/repositories/${moved.id}${rest.map((p) => `/${encodeURIComponent(p)}`).join('')}${ctx.url.search}`;
      return {
        status: 301,
        body: { message: 'Moved Permanently', url: location, documentation_url: 'https://docs.github.com/rest/guides/best-practices-for-using-the-rest-api#follow-redirects' },
        headers: { location },
      };
    }
    throw new HttpError(404, 'Not Found');
  }

  private repoRoute(repo: RepoState, rest: string[], ctx: RequestContext): Reply {
    if (rest.length === 0) return { body: this.repoJson(repo, ctx.api) };
    const [resource, ...tail] = rest;
    if ((resource === 'commits' || resource === 'branches') && this.withoutEndpoints.has(resource)) throw new HttpError(404, 'Not Found');
    if (['contents', 'commits', 'branches', 'git'].includes(resource)) this.requirePermission(ctx.principal, 'contents');
    switch (resource) {
      case 'contents':
        return this.contents(repo, tail.join('/'), ctx);
      case 'commits':
        if (tail.length > 0) return { body: this.commitJson(repo, this.mustCommit(repo, tail.join('/')), ctx.api) };
        break;
      case 'branches':
        if (tail.length === 0) return this.branchList(repo, ctx);
        return { body: this.branchJson(repo, tail.join('/'), ctx.api) };
      case 'git':
        if (tail[0] === 'trees' && tail.length > 1) return this.treeReply(repo, tail.slice(1).join('/'), ctx);
        if (tail[0] === 'blobs' && tail.length === 2) return this.blobReply(repo, tail[1], ctx);
        break;
    }
    throw new HttpError(404, 'Not Found');
  }

  private repoRef(repo: RepoState): { id: number; ownerLogin: string } {
    return { id: repo.id, ownerLogin: repo.owner.login };
  }

  /** Installation tokens only reach their installation's repositories; the rest do not exist for them. */
  private canSee(principal: Principal, repo: RepoState): boolean {
    return principal.kind !== 'installation' || this.apps.covers(principal.installation, this.repoRef(repo), principal.token);
  }

  /** GitHub's answer when an installation lacks the permission an endpoint needs. */
  private requirePermission(principal: Principal, permission: 'contents' | 'members'): void {
    if (principal.kind === 'installation' && !principal.installation.permissions[permission]) {
      throw new HttpError(403, 'Resource not accessible by integration');
    }
  }

  // ---------------------------------------------------------------- App endpoints

  private appPrincipalInstallations(ctx: RequestContext): InstallationState[] {
    if (ctx.principal.kind !== 'app') throw new HttpError(401, 'A JSON web token could not be decoded');
    return this.apps.installationsOf(ctx.principal.appId);
  }

  private appInstallationOn(ctx: RequestContext, account: string): InstallationState {
    const installation = this.appPrincipalInstallations(ctx).find((i) => i.account.toLowerCase() === account.toLowerCase());
    if (!installation) throw new HttpError(404, 'Not Found');
    return installation;
  }

  /** `/app`, `/app/installations[/{id}[/access_tokens]]` (JWT-authenticated). */
  private appRoute(rest: string[], ctx: RequestContext): Reply {
    const installations = this.appPrincipalInstallations(ctx);
    const app = ctx.principal.kind === 'app' ? this.apps.app(ctx.principal.appId) : undefined;
    if (!app) throw new HttpError(404, 'Not Found');
    if (rest.length === 0) return { body: this.appJson(app.id, ctx.api) };
    if (rest[0] !== 'installations') throw new HttpError(404, 'Not Found');
    if (rest.length === 1) {
      const page = paginate(installations, { api: ctx.api, pathname: ctx.url.pathname, query: ctx.query });
      return { body: page.items.map((i) => this.installationJson(i, ctx.api)), headers: page.headers };
    }
    const installation = installations.find((i) => String(i.id) === rest[1]);
    if (!installation) throw new HttpError(404, 'Not Found');
    if (rest.length === 2) return { body: this.installationJson(installation, ctx.api) };
    if (rest.length === 3 && rest[2] === 'access_tokens') return this.accessToken(installation, ctx);
    throw new HttpError(404, 'Not Found');
  }

  private accessToken(installation: InstallationState, ctx: RequestContext): Reply {
    if (installation.suspendedAt) throw new HttpError(403, 'This installation has been suspended');
    const covered = this.coveredRepos(installation);
    const { repositories, repository_ids: repositoryIds } = ctx.body;
    let scope: RepoState[] | undefined;
    if (Array.isArray(repositories) || Array.isArray(repositoryIds)) {
      const names = Array.isArray(repositories) ? repositories.map((r) => String(r).toLowerCase()) : [];
      const ids = Array.isArray(repositoryIds) ? repositoryIds.map(Number) : [];
      scope = covered.filter((r) => names.includes(r.name.toLowerCase()) || ids.includes(r.id));
      if (scope.length !== names.length + ids.length) {
        throw new HttpError(422, 'There is at least one repository that does not exist or is not accessible to the parent installation.');
      }
    }
    const token = this.apps.issueToken(installation, scope?.map((r) => r.id));
    const body: Schemas['installation-token'] = {
      token: token.token,
      expires_at: isoSeconds(new Date(token.expiresAt)),
      permissions: installation.permissions,
      repository_selection: scope ? 'selected' : installation.selection,
      ...(scope ? { repositories: scope.map((r) => this.repoJson(r, ctx.api) as Schemas['repository']) } : {}),
    };
    return { status: 201, body };
  }

  private coveredRepos(installation: InstallationState, token?: InstallationToken): RepoState[] {
    return [...this.repos.values()].filter((r) => this.apps.covers(installation, this.repoRef(r), token)).sort((a, b) => a.id - b.id);
  }

  /** `GET /installation/repositories`: what an installation token reaches, paginated. */
  private installationRepositories(ctx: RequestContext): Reply {
    const principal = ctx.principal;
    if (principal.kind !== 'installation') {
      throw new HttpError(403, 'You must authenticate with an installation access token in order to list repositories for an installation.');
    }
    const repos = this.coveredRepos(principal.installation, principal.token);
    const page = paginate(repos, { api: ctx.api, pathname: ctx.url.pathname, query: ctx.query });
    return {
      body: {
        total_count: page.total,
        repository_selection: principal.token.repositoryIds ? 'selected' : principal.installation.selection,
        repositories: page.items.map((r) => this.repoJson(r, ctx.api)),
      },
      headers: page.headers,
    };
  }

  private appJson(appId: number, api: string): NonNullable<Schemas['integration']> {
    const app = this.apps.app(appId)!;
    return {
      id: app.id,
      slug: app.slug,
      node_id: legacyNodeId('Integration', app.id),
      client_id: app.clientId,
      owner: this.ownerObject(this.ensureOwner(app.ownerLogin), api),
      name: app.name,
      description: null,
      external_url: `${this.htmlBase}/${app.ownerLogin}`,
      html_url: `${this.htmlBase}/apps/${app.slug}`,
      created_at: isoSeconds(app.createdAt),
      updated_at: isoSeconds(app.updatedAt),
      permissions: app.permissions,
      events: app.events,
      installations_count: this.apps.installationsOf(app.id).length,
    };
  }

  private installationJson(installation: InstallationState, api: string): Schemas['installation'] {
    const app = this.apps.app(installation.appId)!;
    const account = this.ensureOwner(installation.account);
    return {
      id: installation.id,
      account: this.ownerObject(account, api),
      repository_selection: installation.selection,
      access_tokens_url: `${api}/app/installations/${installation.id}/access_tokens`,
      repositories_url: `${api}/installation/repositories`,
      html_url: `${this.htmlBase}/organizations/${account.login}/settings/installations/${installation.id}`,
      app_id: app.id,
      app_slug: app.slug,
      target_id: account.id,
      target_type: account.type,
      permissions: installation.permissions,
      events: installation.events,
      created_at: isoSeconds(installation.createdAt),
      updated_at: isoSeconds(installation.updatedAt),
      single_file_name: null,
      has_multiple_single_files: false,
      single_file_paths: [],
      suspended_by: installation.suspendedBy ? this.userObject(installation.suspendedBy, api) : null,
      suspended_at: installation.suspendedAt ? isoSeconds(installation.suspendedAt) : null,
    };
  }

  // ---------------------------------------------------------------- organisation people endpoints

  /** `/orgs/{org}/members`, `/orgs/{org}/teams[/{slug}[/members]]`. */
  private orgPeopleRoute(login: string, rest: string[], ctx: RequestContext): Reply {
    const org = this.mustOwner(login);
    const principal = ctx.principal;
    if (principal.kind === 'installation' && principal.installation.account.toLowerCase() !== org.login.toLowerCase()) {
      throw new HttpError(404, 'Not Found');
    }
    this.requirePermission(principal, 'members');
    const list = <T>(items: T[]): Reply => {
      const page = paginate(items, { api: ctx.api, pathname: ctx.url.pathname, query: ctx.query });
      return { body: page.items, headers: page.headers };
    };
    if (rest[0] === 'members' && rest.length === 1) {
      const role = ctx.query.role ?? 'all';
      if (role !== 'all' && role !== 'admin' && role !== 'member') throw new HttpError(422, `role must be one of all, admin, member`);
      return list(this.people.membersOf(org.login, role).map((u) => this.userObject(u.login, ctx.api)));
    }
    if (rest[0] !== 'teams') throw new HttpError(404, 'Not Found');
    if (rest.length === 1) return list(this.people.teamsOf(org.login).map((t) => this.teamJson(t, ctx.api)));
    const team = this.people.team(org.login, rest[1]);
    if (!team) throw new HttpError(404, 'Not Found');
    if (rest.length === 2) return { body: this.teamFullJson(team, ctx.api) };
    if (rest.length === 3 && rest[2] === 'members') {
      const role = ctx.query.role ?? 'all';
      if (role !== 'all' && role !== 'member' && role !== 'maintainer') throw new HttpError(422, `role must be one of all, member, maintainer`);
      return list(this.people.teamMembers(team, role).map((m) => this.userObject(m.user.login, ctx.api)));
    }
    throw new HttpError(404, 'Not Found');
  }

  private teamSimpleJson(team: TeamState, api: string): Schemas['team-simple'] {
    const org = this.owners.get(team.orgKey)!;
    const base = `${api}/organizations/${org.id}/team/${team.id}`;
    return {
      id: team.id,
      node_id: legacyNodeId('Team', team.id),
      url: base,
      members_url: `${base}/members{/member}`,
      name: team.name,
      description: team.description,
      permission: 'pull',
      privacy: team.privacy,
      notification_setting: 'notifications_enabled',
      html_url: `${this.htmlBase}/orgs/${org.login}/teams/${team.slug}`,
      repositories_url: `${base}/repos`,
      slug: team.slug,
    };
  }

  private teamJson(team: TeamState, api: string): Schemas['team'] {
    const parent = team.parentId === null ? undefined : this.people.teamById(team.parentId);
    return { ...this.teamSimpleJson(team, api), parent: parent ? this.teamSimpleJson(parent, api) : null };
  }

  private teamFullJson(team: TeamState, api: string): Schemas['team-full'] {
    return {
      ...this.teamJson(team, api),
      privacy: team.privacy,
      notification_setting: 'notifications_enabled',
      members_count: this.people.teamMembers(team).length,
      repos_count: 0,
      created_at: isoSeconds(team.createdAt),
      updated_at: isoSeconds(team.updatedAt),
      organization: this.orgJson(this.owners.get(team.orgKey)!, api),
    };
  }

  /** `GET /users/{login}`: a user's public profile, or an organisation's. */
  private publicUserJson(login: string, api: string): Schemas['public-user'] {
    const user = this.people.user(login);
    const org = user ? undefined : this.owners.get(login.toLowerCase());
    if (!user && !org) throw new HttpError(404, 'Not Found');
    const base = user ? this.userObject(user.login, api) : this.ownerObject(org!, api);
    const created = user?.createdAt ?? new Date('2020-01-01T00:00:00Z');
    return {
      ...base,
      user_view_type: 'public',
      name: user ? user.name : org!.login,
      company: null,
      blog: '',
      location: null,
      email: user ? user.email : null,
      hireable: null,
      bio: null,
      twitter_username: null,
      public_repos: [...this.repos.values()].filter((r) => !r.private && r.owner.login.toLowerCase() === login.toLowerCase()).length,
      public_gists: 0,
      followers: 0,
      following: 0,
      created_at: isoSeconds(created),
      updated_at: isoSeconds(user?.updatedAt ?? created),
    };
  }

  private mustOwner(login: string): OwnerState {
    const owner = this.owners.get(login.toLowerCase());
    if (!owner) throw new HttpError(404, 'Not Found');
    return owner;
  }

  private mustCommit(repo: RepoState, ref: string): CommitState {
    if (repo.commits.size === 0) throw new HttpError(409, 'Git Repository is empty.');
    const commit = this.resolveCommit(repo, ref);
    if (!commit) throw new HttpError(422, `No commit found for SHA: ${ref}`);
    return commit;
  }

  private rateLimitBody(): unknown {
    const used = this.rateUsed;
    const core = { limit: this.rateLimit, used, remaining: Math.max(0, this.rateLimit - used), reset: this.rateWindowReset, resource: 'core' };
    const other = (resource: string, limit: number) => ({ limit, used: 0, remaining: limit, reset: this.rateWindowReset, resource });
    return {
      resources: {
        core,
        search: other('search', 30),
        graphql: other('graphql', 5000),
        integration_manifest: other('integration_manifest', 5000),
        code_search: other('code_search', 10),
      },
      rate: core,
    };
  }

  private orgJson(owner: OwnerState, api: string): Schemas['team-organization'] {
    const repos = [...this.repos.values()].filter((r) => r.owner === owner);
    return {
      ...this.organizationObject(owner, pushTemplates().organization),
      url: `${api}/orgs/${owner.login}`,
      repos_url: `${api}/orgs/${owner.login}/repos`,
      name: owner.login,
      html_url: `${this.htmlBase}/${owner.login}`,
      public_repos: repos.filter((r) => !r.private).length,
      total_private_repos: repos.filter((r) => r.private).length,
      type: 'Organization',
      has_organization_projects: true,
      has_repository_projects: true,
      public_gists: 0,
      followers: 0,
      following: 0,
      created_at: '2020-01-01T00:00:00Z',
      updated_at: '2020-01-01T00:00:00Z',
      archived_at: null,
    };
  }

  private repoJson(repo: RepoState, api: string): Record<string, unknown> {
    const base = `${api}/repos/${repo.fullName}`;
    const html = `${this.htmlBase}/${repo.fullName}`;
    const host = new URL(this.htmlBase).host;
    return {
      id: repo.id,
      node_id: repo.nodeId,
      name: repo.name,
      full_name: repo.fullName,
      private: repo.private,
      owner: this.ownerObject(repo.owner, api),
      html_url: html,
      description: repo.description,
      fork: false,
      url: base,
      branches_url: `${base}/branches{/branch}`,
      blobs_url: `${base}/git/blobs{/sha}`,
      trees_url: `${base}/git/trees{/sha}`,
      commits_url: `${base}/commits{/sha}`,
      git_commits_url: `${base}/git/commits{/sha}`,
      contents_url: `${base}/contents/{+path}`,
      hooks_url: `${base}/hooks`,
      created_at: isoSeconds(repo.createdAt),
      updated_at: isoSeconds(repo.updatedAt),
      pushed_at: repo.pushedAt ? isoSeconds(repo.pushedAt) : null,
      git_url: `git://${host}/${repo.fullName}.git`,
      ssh_url: `git@${host}:${repo.fullName}.git`,
      clone_url: `${html}.git`,
      svn_url: html,
      homepage: null,
      size: this.repoSize(repo),
      stargazers_count: 0,
      watchers_count: 0,
      language: null,
      has_issues: true,
      has_projects: true,
      has_downloads: true,
      has_wiki: true,
      has_pages: false,
      has_discussions: false,
      forks_count: 0,
      mirror_url: null,
      archived: repo.archived,
      disabled: false,
      open_issues_count: 0,
      license: null,
      allow_forking: true,
      is_template: false,
      web_commit_signoff_required: false,
      topics: [],
      visibility: repo.private ? 'private' : 'public',
      forks: 0,
      open_issues: 0,
      watchers: 0,
      default_branch: repo.defaultBranch,
      permissions: { admin: false, maintain: false, push: false, triage: false, pull: true },
      ...(repo.owner.type === 'Organization'
        ? { organization: this.ownerObject(repo.owner, api) }
        : {}),
      network_count: 0,
      subscribers_count: 0,
    };
  }

  private orgRepos(login: string, ctx: RequestContext): Reply {
    const owner = this.mustOwner(login);
    const type = ctx.query.type ?? 'all';
    let repos = [...this.repos.values()].filter((r) => r.owner === owner && this.canSee(ctx.principal, r));
    if (type === 'public') repos = repos.filter((r) => !r.private);
    if (type === 'private') repos = repos.filter((r) => r.private);
    const sort = ctx.query.sort ?? 'created';
    const direction = ctx.query.direction ?? (sort === 'full_name' ? 'asc' : 'desc');
    const key = (r: RepoState): string | number =>
      sort === 'full_name'
        ? r.fullName.toLowerCase()
        : sort === 'pushed'
          ? (r.pushedAt?.getTime() ?? 0) * 1e4 + (r.id % 1e4)
          : sort === 'updated'
            ? r.updatedAt.getTime() * 1e4 + (r.id % 1e4)
            : r.id;
    repos.sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      const c = ka < kb ? -1 : ka > kb ? 1 : 0;
      return direction === 'asc' ? c : -c;
    });
    const page = paginate(repos, { api: ctx.api, pathname: ctx.url.pathname, query: ctx.query });
    return { body: page.items.map((r) => this.repoJson(r, ctx.api)), headers: page.headers };
  }

  private isRaw(ctx: RequestContext): boolean {
    return /application\/vnd\.github(?:\.v3)?\.raw/i.test(ctx.accept);
  }

  private fileLinks(repo: RepoState, path: string, refLabel: string, commitSha: string, api: string, type: 'file' | 'dir', sha: string) {
    const base = `${api}/repos/${repo.fullName}`;
    const encodedPath = path.split('/').map(encodeURIComponent).join('/');
    const self = `${base}/contents/${encodedPath}?ref=${encodeURIComponent(refLabel)}`;
    const git = type === 'file' ? `${base}/git/blobs/${sha}` : `${base}/git/trees/${sha}`;
    const html = `${this.htmlBase}/${repo.fullName}/${type === 'file' ? 'blob' : 'tree'}/${refLabel}/${path}`;
    return {
      url: self,
      git_url: git,
      html_url: html,
      download_url: type === 'file' ? `${api}/raw/${repo.fullName}/${commitSha}/${encodedPath}` : null,
      _links: { self, git, html },
    };
  }

  private contents(repo: RepoState, rawPath: string, ctx: RequestContext): Reply {
    if (repo.commits.size === 0) throw new HttpError(404, 'This repository is empty.');
    const refLabel = ctx.query.ref || repo.defaultBranch;
    const commit = this.resolveCommit(repo, refLabel);
    if (!commit) throw new HttpError(404, `No commit found for the ref ${refLabel}`);
    const path = rawPath.split('/').filter((p) => p !== '').join('/');
    const content = path === '' ? undefined : commit.files.get(path);
    if (content !== undefined) {
      if (this.isRaw(ctx)) return { body: content, raw: true };
      const sha = blobSha(content);
      return {
        body: {
          type: 'file',
          encoding: 'base64',
          size: Buffer.byteLength(content, 'utf8'),
          name: path.split('/').pop(),
          path,
          content: githubBase64(content),
          sha,
          ...this.fileLinks(repo, path, refLabel, commit.sha, ctx.api, 'file', sha),
        },
      };
    }
    const tree = this.subtree(repo, commit.tree, path);
    if (!tree) throw new HttpError(404, 'Not Found');
    return {
      body: tree.entries.map((e) => {
        const entryPath = path ? `${path}/${e.name}` : e.name;
        const type = e.type === 'blob' ? 'file' : 'dir';
        return {
          type,
          size: e.size ?? 0,
          name: e.name,
          path: entryPath,
          sha: e.sha,
          ...this.fileLinks(repo, entryPath, refLabel, commit.sha, ctx.api, type, e.sha),
        };
      }),
    };
  }

  /** `GET /raw/{owner}/{repo}/{sha}/{path}`: where `download_url`s point (not a GitHub API route). */
  private rawFile(s: string[], ctx: RequestContext): Reply {
    const repo = this.repos.get(`${s[1]}/${s[2]}`.toLowerCase());
    if (repo && !this.canSee(ctx.principal, repo)) throw new HttpError(404, 'Not Found');
    if (repo) this.requirePermission(ctx.principal, 'contents');
    const commit = repo ? this.resolveCommit(repo, s[3]) : undefined;
    const content = commit?.files.get(s.slice(4).join('/'));
    if (content === undefined) throw new HttpError(404, 'Not Found');
    return { body: content, raw: true };
  }

  private treeReply(repo: RepoState, ref: string, ctx: RequestContext): Reply {
    if (repo.commits.size === 0) throw new HttpError(409, 'Git Repository is empty.');
    let tree = repo.trees.get(ref.toLowerCase());
    if (!tree) {
      const commit = this.resolveCommit(repo, ref);
      tree = commit ? repo.trees.get(commit.tree) : undefined;
    }
    if (!tree && ref === EMPTY_TREE_SHA) tree = { sha: EMPTY_TREE_SHA, entries: [] };
    if (!tree) throw new HttpError(404, 'Not Found');
    const base = `${ctx.api}/repos/${repo.fullName}/git`;
    const recursive = ctx.query.recursive !== undefined;
    const out: Array<Record<string, unknown>> = [];
    const walk = (t: TreeObject, prefix: string) => {
      for (const e of t.entries) {
        const path = prefix ? `${prefix}/${e.name}` : e.name;
        out.push(this.treeEntryJson(e, path, base));
        if (recursive && e.type === 'tree') {
          const child = repo.trees.get(e.sha);
          if (child) walk(child, path);
        }
      }
    };
    walk(tree, '');
    const truncated = recursive && this.recursiveTreeLimit !== undefined && out.length > this.recursiveTreeLimit;
    return { body: { sha: tree.sha, url: `${base}/trees/${tree.sha}`, tree: truncated ? out.slice(0, this.recursiveTreeLimit) : out, truncated } };
  }

  private treeEntryJson(e: TreeEntry, path: string, base: string): Record<string, unknown> {
    return e.type === 'blob'
      ? { path, mode: e.mode, type: 'blob', sha: e.sha, size: e.size, url: `${base}/blobs/${e.sha}` }
      : { path, mode: e.mode, type: 'tree', sha: e.sha, url: `${base}/trees/${e.sha}` };
  }

  private blobReply(repo: RepoState, sha: string, ctx: RequestContext): Reply {
    const content = repo.blobs.get(sha.toLowerCase());
    if (content === undefined) throw new HttpError(404, 'Not Found');
    if (this.isRaw(ctx)) return { body: content, raw: true };
    return {
      body: {
        sha: sha.toLowerCase(),
        node_id: Buffer.from(`04:Blob${repo.id}:${sha}`).toString('base64'),
        size: Buffer.byteLength(content, 'utf8'),
        url: `${ctx.api}/repos/${repo.fullName}/git/blobs/${sha.toLowerCase()}`,
        content: githubBase64(content),
        encoding: 'base64',
      },
    };
  }

  private commitJson(repo: RepoState, commit: CommitState, api: string): Record<string, unknown> {
    const base = `${api}/repos/${repo.fullName}`;
    const html = `${this.htmlBase}/${repo.fullName}`;
    const parent = commit.parents[0] ? repo.commits.get(commit.parents[0]) : undefined;
    const before = parent?.files ?? new Map<string, string>();
    const changes = diffSnapshots(before, commit.files);
    const encode = (p: string) => p.split('/').map(encodeURIComponent).join('/');
    const files = [
      ...changes.added.map((p) => ({ p, status: 'added' as const })),
      ...changes.modified.map((p) => ({ p, status: 'modified' as const })),
      ...changes.removed.map((p) => ({ p, status: 'removed' as const })),
    ]
      .sort((a, b) => (a.p < b.p ? -1 : 1))
      .map(({ p, status }) => {
        const oldText = before.get(p) ?? '';
        const newText = commit.files.get(p) ?? '';
        const { additions, deletions } =
          status === 'added'
            ? { additions: countLines(newText), deletions: 0 }
            : status === 'removed'
              ? { additions: 0, deletions: countLines(oldText) }
              : lineStats(oldText, newText);
        const content = status === 'removed' ? oldText : newText;
        const ref = status === 'removed' ? (parent?.sha ?? commit.sha) : commit.sha;
        return {
          sha: blobSha(content),
          filename: p,
          status,
          additions,
          deletions,
          changes: additions + deletions,
          blob_url: `${html}/blob/${ref}/${encode(p)}`,
          raw_url: `${html}/raw/${ref}/${encode(p)}`,
          contents_url: `${base}/contents/${encode(p)}?ref=${ref}`,
        };
      });
    const additions = files.reduce((n, f) => n + f.additions, 0);
    const deletions = files.reduce((n, f) => n + f.deletions, 0);
    const person = { name: commit.author.name, email: commit.author.email, date: isoSeconds(commit.date) };
    const user = this.userObject(commit.author.login, api);
    return {
      sha: commit.sha,
      node_id: Buffer.from(`06:Commit${repo.id}:${commit.sha}`).toString('base64'),
      commit: {
        author: person,
        committer: person,
        message: commit.message,
        tree: { sha: commit.tree, url: `${base}/git/trees/${commit.tree}` },
        url: `${base}/git/commits/${commit.sha}`,
        comment_count: 0,
        verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
      },
      url: `${base}/commits/${commit.sha}`,
      html_url: `${html}/commit/${commit.sha}`,
      comments_url: `${base}/commits/${commit.sha}/comments`,
      author: user,
      committer: user,
      parents: commit.parents.map((p) => ({ sha: p, url: `${base}/commits/${p}`, html_url: `${html}/commit/${p}` })),
      stats: { total: additions + deletions, additions, deletions },
      files,
    };
  }

  private branchList(repo: RepoState, ctx: RequestContext): Reply {
    const base = `${ctx.api}/repos/${repo.fullName}`;
    const names = [...repo.branches.keys()].sort();
    return {
      body: names.map((name) => ({
        name,
        commit: { sha: repo.branches.get(name), url: `${base}/commits/${repo.branches.get(name)}` },
        protected: false,
      })),
    };
  }

  private branchJson(repo: RepoState, name: string, api: string): unknown {
    const sha = repo.branches.get(name);
    if (!sha) throw new HttpError(404, 'Branch not found');
    const commit = repo.commits.get(sha);
    if (!commit) throw new HttpError(404, 'Branch not found');
    return {
      name,
      commit: this.commitJson(repo, commit, api),
      _links: {
        self: `${api}/repos/${repo.fullName}/branches/${encodeURIComponent(name)}`,
        html: `${this.htmlBase}/${repo.fullName}/tree/${name}`,
      },
      protected: false,
      protection: { enabled: false, required_status_checks: { enforcement_level: 'off', contexts: [], checks: [] } },
      protection_url: `${api}/repos/${repo.fullName}/branches/${encodeURIComponent(name)}/protection`,
    };
  }
}
