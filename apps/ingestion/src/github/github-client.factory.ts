import { AsyncLocalStorage } from 'node:async_hooks';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { createAppAuth } from '@octokit/auth-app';
import { Semaphore } from 'async-mutex';
import Bottleneck from 'bottleneck';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import { APP_CONFIG } from '@callboard/config';
import type { IngestionConfig } from '../ingestion.config';
import { InstallationTokenCache } from './installation-token-cache';

// Server errors (timeouts included: @octokit/request reports them as 500) are retried by
// @octokit/plugin-retry, and rate limits (primary and secondary, honouring retry-after /
// x-ratelimit-reset) waited out by @octokit/plugin-throttling.
const GithubOctokit = Octokit.plugin(retry, throttling);
export type GithubClient = InstanceType<typeof GithubOctokit>;

/**
 * Set while a recorded delivery is processed: its failed attempt waits in the deliveries' retry
 * topic (GithubDeliveryConsumer), so GitHub server errors are not also retried inline, where
 * their backoff (1 + 4 + 9 s with GITHUB_MAX_RETRIES=3) would hold up the deliveries of other
 * repositories behind it in the partition. Rate limits are still waited out inline: they are
 * GitHub's for every repository alike, so what is behind would wait for them anyway.
 */
const retriedElsewhere = new AsyncLocalStorage<true>();

/** Runs `work` with GitHub server errors failing at once instead of being retried inline (see retriedElsewhere). */
export function withoutInlineRetries<T>(work: () => Promise<T>): Promise<T> {
  return retriedElsewhere.run(true, work);
}

/** A repository to read, with the App installation its delivery came through (if any). */
export interface GithubRepositoryRef {
  fullName: string;
  installationId?: number;
}

/** Running as a GitHub App, there is no installation to read a repository through: retrying cannot help. */
export class GithubAppNotInstalledError extends Error {}

type AppAuthOptions = Parameters<typeof createAppAuth>[0];
type ClientAuth = { auth?: string } | { authStrategy: typeof createAppAuth; auth: AppAuthOptions };

/**
 * Hands out Octokit clients for the configured GitHub authentication. With a token (or none)
 * there is one client. As a GitHub App there is one client per installation, authenticated
 * by @octokit/auth-app, which exchanges the App's JWT for installation tokens and renews them
 * (the cache it keeps them in also honours each token's expiry), plus one for the App itself.
 */
@Injectable()
export class GithubClientFactory {
  private readonly logger = new Logger(GithubClientFactory.name);
  private readonly tokens = new InstallationTokenCache();
  // auth-app's Cache type says get() returns a string, yet a miss is undefined there too (lru-cache's).
  private readonly tokenCache = this.tokens as unknown as NonNullable<AppAuthOptions['cache']>;
  // One per installation Callboard hears from: an organisation has one, so this stays small.
  private readonly installationClients = new Map<number, GithubClient>();
  private sharedClient: GithubClient | undefined;
  private appClient: GithubClient | undefined;
  // Shared by every client: deliveries read in parallel, GitHub sees a bounded number at once.
  private readonly inFlight: Semaphore;
  /**
   * The throttling plugin's queue for ordinary requests, unbounded: left to its default, every
   * Octokit of the process shares one queue of at most 10 requests in flight, which held file
   * reads to ~10 at a time whatever GITHUB_MAX_CONCURRENT_REQUESTS said (seconds of queue at
   * 25 pushes/s). The bound is `inFlight`; the plugin still spaces writes and waits out limits.
   */
  private readonly throttleQueue = new Bottleneck.Group({ id: 'callboard-github', maxConcurrent: null });

  constructor(@Inject(APP_CONFIG) private readonly config: IngestionConfig) {
    this.inFlight = new Semaphore(config.GITHUB_MAX_CONCURRENT_REQUESTS);
  }

  /** The installation's client as a GitHub App; with a token (or anonymously) the shared client, whatever the id. */
  forInstallation(installationId: number | undefined): GithubClient {
    const auth = this.config.githubAuth;
    if (auth.kind !== 'app') {
      this.sharedClient ??= this.create(auth.kind === 'token' ? { auth: auth.token } : {});
      return this.sharedClient;
    }
    if (installationId === undefined) throw new GithubAppNotInstalledError('a GitHub App reads through an installation, and none was given');
    let client = this.installationClients.get(installationId);
    if (!client) {
      client = this.create({ authStrategy: createAppAuth, auth: { appId: auth.appId, privateKey: auth.privateKey, installationId, cache: this.tokenCache } });
      // A refused token (revoked, or the installation suspended) is not reused: the delivery's
      // retry exchanges a new one instead of failing until the cached token would expire.
      client.hook.error('request', (error) => {
        if ((error as { status?: number }).status === 401) this.tokens.forgetInstallation(installationId);
        throw error;
      });
      this.installationClients.set(installationId, client);
    }
    return client;
  }

  /**
   * The client to read a repository with: through the installation its delivery named, else
   * (as an App, e.g. for a repository webhook) the installation GitHub reports for it.
   */
  async forRepository(repository: GithubRepositoryRef): Promise<GithubClient> {
    if (this.config.githubAuth.kind !== 'app' || repository.installationId !== undefined) return this.forInstallation(repository.installationId);
    const [owner, repo] = repository.fullName.split('/');
    try {
      const { data } = await this.forApp().rest.apps.getRepoInstallation({ owner, repo });
      return this.forInstallation(data.id);
    } catch (err) {
      if ((err as { status?: number }).status === 404) throw new GithubAppNotInstalledError(`the GitHub App is not installed on ${repository.fullName}`);
      throw err;
    }
  }

  /** The App itself (JWT-authenticated): its installations, and where it is installed. */
  forApp(): GithubClient {
    const auth = this.config.githubAuth;
    if (auth.kind !== 'app') throw new Error('not configured as a GitHub App (GITHUB_APP_ID)');
    this.appClient ??= this.create({ authStrategy: createAppAuth, auth: { appId: auth.appId, privateKey: auth.privateKey, cache: this.tokenCache } });
    return this.appClient;
  }

  private create(auth: ClientAuth): GithubClient {
    const maxRetries = this.config.GITHUB_MAX_RETRIES;
    const timeoutMs = this.config.GITHUB_REQUEST_TIMEOUT_MS;
    const onLimit = (kind: string) => (retryAfter: number, options: { method?: string; url?: string }, _octokit: unknown, retryCount: number) => {
      this.logger.warn({ msg: `GitHub ${kind} rate limit`, retryAfterSeconds: retryAfter, method: options.method, url: options.url, retryCount });
      return retryCount < maxRetries;
    };
    const client = new GithubOctokit({
      ...auth,
      baseUrl: this.config.GITHUB_API_URL.replace(/\/+$/, ''),
      userAgent: 'callboard-ingestion',
      // Not `request.retries`: set there it would make every failure retryable, 404s included.
      retry: { retries: maxRetries },
      throttle: { onRateLimit: onLimit('primary'), onSecondaryRateLimit: onLimit('secondary'), ...{ global: this.throttleQueue } },
      // Every request is bounded in time and counted against the requests in flight, the token
      // exchanges auth-app makes included (at the fetch, so a request waiting for one holds nothing).
      request: { fetch: limited(this.inFlight, withTimeout(timeoutMs)) },
      // Octokit logs every request at info: that is debug detail for a service.
      log: {
        debug: (message: string) => this.logger.verbose(message),
        info: (message: string) => this.logger.debug(message),
        warn: (message: string) => this.logger.warn(message),
        error: (message: string) => this.logger.error(message),
      },
    });
    // A call that passes no `request` options shares the client's default object, and the retry
    // plugin records its retry count there, so each later call's first retry waited longer
    // ((count + 1)² s). Registered last, this hook runs first and gives each call its own copy.
    client.hook.wrap('request', (request, options) => {
      options.request = { ...options.request };
      if (retriedElsewhere.getStore() && options.request.retries === undefined) options.request.retries = 0;
      return request(options);
    });
    return client;
  }
}

function limited(slots: Semaphore, inner: typeof fetch): typeof fetch {
  return (input, init) => slots.runExclusive(() => inner(input, init));
}

function withTimeout(timeoutMs: number): typeof fetch {
  return (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    return fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout });
  };
}
