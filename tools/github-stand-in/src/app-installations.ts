import { createPublicKey, type KeyObject, randomBytes } from 'node:crypto';
import type { components } from '@octokit/openapi-types';
import { generateAppKeyPair, type JwtVerdict, publicKeyOf, verifyAppJwt } from './app-jwt';

/**
 * GitHub Apps, their installations and the installation tokens they exchange their JWT for.
 * An installation belongs to one account (organisation or user) and covers either all of
 * its repositories or a selected list; a token covers its installation's repositories (or
 * the subset it was requested for) until it expires, and stops working when the
 * installation is suspended or deleted.
 */

/** GitHub's installation token lifetime. */
export const DEFAULT_INSTALLATION_TOKEN_LIFETIME_MS = 60 * 60 * 1000;

export type Permissions = components['schemas']['app-permissions'];

export interface AppState {
  id: number;
  slug: string;
  name: string;
  clientId: string;
  ownerLogin: string;
  publicKey: KeyObject;
  permissions: Permissions;
  events: string[];
  createdAt: Date;
  updatedAt: Date;
}

export interface InstallationState {
  id: number;
  appId: number;
  /** Login of the account the App is installed on. */
  account: string;
  selection: 'all' | 'selected';
  /** Repository ids, for `selected`. */
  repositoryIds: Set<number>;
  permissions: Permissions;
  events: string[];
  createdAt: Date;
  updatedAt: Date;
  suspendedAt: Date | null;
  suspendedBy: string | null;
}

export interface InstallationToken {
  token: string;
  installationId: number;
  issuedAt: number;
  expiresAt: number;
  /** Set when the token was requested for only some repositories. */
  repositoryIds?: ReadonlySet<number>;
}

export interface CreateAppOptions {
  name?: string;
  slug?: string;
  /** Login of the account owning the App. Default `acme`. */
  owner?: string;
  /** PEM private key to use instead of a generated one (PKCS#1 or PKCS#8). */
  privateKey?: string;
  permissions?: Permissions;
  events?: string[];
}

export interface CreatedApp {
  id: number;
  slug: string;
  clientId: string;
  /** The App's private key (PKCS#1 PEM, like the one GitHub lets you download). */
  privateKey: string;
  /** SPKI PEM of the key GitHub keeps to check the App's JWTs. */
  publicKey: string;
}

export interface InstallationOptions {
  permissions?: Permissions;
  events?: string[];
}

/** Minimal view of a repository the registry needs to decide coverage. */
export interface RepositoryRef {
  id: number;
  ownerLogin: string;
}

export type TokenCheck =
  | { ok: true; installation: InstallationState; token: InstallationToken }
  | { ok: false; status: 401 | 403; message: string };

const DEFAULT_PERMISSIONS: Permissions = { contents: 'read', metadata: 'read', members: 'read' };
const DEFAULT_EVENTS = ['push', 'repository', 'organization', 'team', 'membership', 'installation_target'];
const sameLogin = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export class AppInstallations {
  private readonly apps = new Map<number, AppState>();
  private readonly installations = new Map<number, InstallationState>();
  private readonly tokens = new Map<string, InstallationToken>();
  private nextAppId = 1_000_001;
  private nextInstallationId = 40_000_001;
  tokenLifetimeMs: number;

  constructor(
    private readonly now: () => Date,
    tokenLifetimeMs = DEFAULT_INSTALLATION_TOKEN_LIFETIME_MS,
  ) {
    this.tokenLifetimeMs = tokenLifetimeMs;
  }

  get hasApps(): boolean {
    return this.apps.size > 0;
  }

  createApp(options: CreateAppOptions = {}): CreatedApp {
    const id = this.nextAppId++;
    const keys = options.privateKey
      ? { privateKey: options.privateKey, publicKey: publicKeyOf(options.privateKey).export({ type: 'spki', format: 'pem' }).toString() }
      : generateAppKeyPair();
    const name = options.name ?? `Callboard Stand-in ${id}`;
    const slug = options.slug ?? name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
    const now = this.now();
    const app: AppState = {
      id,
      slug,
      name,
      clientId: `Iv23li${randomBytes(7).toString('hex')}`,
      ownerLogin: options.owner ?? 'acme',
      publicKey: createPublicKey(keys.publicKey),
      permissions: options.permissions ?? DEFAULT_PERMISSIONS,
      events: options.events ?? DEFAULT_EVENTS,
      createdAt: now,
      updatedAt: now,
    };
    this.apps.set(id, app);
    return { id, slug, clientId: app.clientId, privateKey: keys.privateKey, publicKey: keys.publicKey };
  }

  app(id: number): AppState | undefined {
    return this.apps.get(id);
  }

  /** Checks an App JWT; `iss` may be the App id or its client id. */
  verifyJwt(jwt: string, nowSeconds = Math.floor(Date.now() / 1000)): JwtVerdict<AppState> {
    return verifyAppJwt(
      jwt,
      (issuer) => {
        const app =
          typeof issuer === 'number' || /^\d+$/.test(issuer)
            ? this.apps.get(Number(issuer))
            : [...this.apps.values()].find((a) => a.clientId === issuer);
        return app ? { app, publicKey: app.publicKey } : undefined;
      },
      nowSeconds,
    );
  }

  createInstallation(appId: number, account: string, repositoryIds: number[] | 'all', options: InstallationOptions = {}): InstallationState {
    const app = this.mustApp(appId);
    if (this.installationOn(appId, account)) throw new Error(`App ${appId} is already installed on ${account}`);
    const now = this.now();
    const installation: InstallationState = {
      id: this.nextInstallationId++,
      appId: app.id,
      account,
      selection: repositoryIds === 'all' ? 'all' : 'selected',
      repositoryIds: new Set(repositoryIds === 'all' ? [] : repositoryIds),
      permissions: options.permissions ?? app.permissions,
      events: options.events ?? app.events,
      createdAt: now,
      updatedAt: now,
      suspendedAt: null,
      suspendedBy: null,
    };
    this.installations.set(installation.id, installation);
    return installation;
  }

  installation(id: number): InstallationState | undefined {
    return this.installations.get(id);
  }

  installationsOf(appId: number): InstallationState[] {
    return [...this.installations.values()].filter((i) => i.appId === appId).sort((a, b) => a.id - b.id);
  }

  /** An account was renamed: its installations follow it. */
  renameAccount(oldLogin: string, newLogin: string): void {
    for (const installation of this.installations.values()) if (sameLogin(installation.account, oldLogin)) installation.account = newLogin;
  }

  /** The App's installation on an account, if any. */
  installationOn(appId: number, account: string): InstallationState | undefined {
    return this.installationsOf(appId).find((i) => sameLogin(i.account, account));
  }

  /** Any installation covering a repository (for webhook payloads), lowest id first. */
  installationCovering(repo: RepositoryRef): InstallationState | undefined {
    return [...this.installations.values()].sort((a, b) => a.id - b.id).find((i) => this.covers(i, repo));
  }

  addRepositories(installationId: number, repositoryIds: number[]): void {
    const installation = this.mustInstallation(installationId);
    if (installation.selection === 'all') throw new Error(`installation ${installationId} already covers all repositories`);
    for (const id of repositoryIds) installation.repositoryIds.add(id);
    installation.updatedAt = this.now();
  }

  removeRepositories(installationId: number, repositoryIds: number[]): void {
    const installation = this.mustInstallation(installationId);
    if (installation.selection === 'all') {
      // Like GitHub's settings page: deselecting from "all" turns the rest into a selection.
      throw new Error(`installation ${installationId} covers all repositories; use setRepositories to select some`);
    }
    for (const id of repositoryIds) installation.repositoryIds.delete(id);
    installation.updatedAt = this.now();
  }

  setRepositories(installationId: number, repositoryIds: number[] | 'all'): void {
    const installation = this.mustInstallation(installationId);
    installation.selection = repositoryIds === 'all' ? 'all' : 'selected';
    installation.repositoryIds = new Set(repositoryIds === 'all' ? [] : repositoryIds);
    installation.updatedAt = this.now();
  }

  /** A deleted or transferred repository leaves the selections it was in. */
  forgetRepository(repositoryId: number): void {
    for (const installation of this.installations.values()) installation.repositoryIds.delete(repositoryId);
  }

  suspend(installationId: number, by = 'octocat'): void {
    const installation = this.mustInstallation(installationId);
    installation.suspendedAt = this.now();
    installation.suspendedBy = by;
    installation.updatedAt = this.now();
  }

  unsuspend(installationId: number): void {
    const installation = this.mustInstallation(installationId);
    installation.suspendedAt = null;
    installation.suspendedBy = null;
    installation.updatedAt = this.now();
  }

  /** Uninstalls: the installation and its tokens are gone. */
  delete(installationId: number): void {
    this.mustInstallation(installationId);
    this.installations.delete(installationId);
    for (const [token, state] of this.tokens) if (state.installationId === installationId) this.tokens.delete(token);
  }

  /** Makes every token already issued (for one installation, or all) invalid, as if it had expired. */
  expireTokens(installationId?: number): void {
    for (const state of this.tokens.values()) {
      if (installationId === undefined || state.installationId === installationId) state.expiresAt = Math.min(state.expiresAt, Date.now() - 1);
    }
  }

  /** Tokens issued so far (expired ones included), oldest first. */
  issuedTokens(installationId?: number): InstallationToken[] {
    return [...this.tokens.values()].filter((t) => installationId === undefined || t.installationId === installationId);
  }

  covers(installation: InstallationState, repo: RepositoryRef, token?: InstallationToken): boolean {
    if (!sameLogin(installation.account, repo.ownerLogin)) return false;
    if (installation.selection === 'selected' && !installation.repositoryIds.has(repo.id)) return false;
    return !token?.repositoryIds || token.repositoryIds.has(repo.id);
  }

  /** Issues a token for an installation (optionally narrowed to some of its repositories). */
  issueToken(installation: InstallationState, repositoryIds?: number[]): InstallationToken {
    const issuedAt = Date.now();
    const token: InstallationToken = {
      token: `ghs_${randomBytes(27).toString("base64url").replace(/[-_]/g, 'x')}`,
      installationId: installation.id,
      issuedAt,
      expiresAt: issuedAt + this.tokenLifetimeMs,
      ...(repositoryIds ? { repositoryIds: new Set(repositoryIds) } : {}),
    };
    this.tokens.set(token.token, token);
    return token;
  }

  /** Whether a bearer of `token` is an installation, and which. */
  checkToken(token: string): TokenCheck | undefined {
    const state = this.tokens.get(token);
    if (!state) return undefined;
    const installation = this.installations.get(state.installationId);
    if (!installation || Date.now() >= state.expiresAt) return { ok: false, status: 401, message: 'Bad credentials' };
    if (installation.suspendedAt) return { ok: false, status: 403, message: 'This installation has been suspended' };
    return { ok: true, installation, token: state };
  }

  private mustApp(id: number): AppState {
    const app = this.apps.get(id);
    if (!app) throw new Error(`Unknown App ${id}`);
    return app;
  }

  private mustInstallation(id: number): InstallationState {
    const installation = this.installations.get(id);
    if (!installation) throw new Error(`Unknown installation ${id}`);
    return installation;
  }
}
