import { Inject, Injectable, Logger } from '@nestjs/common';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import { APP_CONFIG } from '@callboard/config';
import type { IngestionConfig } from '../ingestion.config';

// Server errors are retried by @octokit/plugin-retry and rate limits (primary and secondary,
// honouring retry-after / x-ratelimit-reset) waited out by @octokit/plugin-throttling.
const GithubClient = Octokit.plugin(retry, throttling);

/** Reads repository files through GitHub's REST contents API (github.com or Enterprise Server). */
@Injectable()
export class GithubContentsRepository {
  private readonly logger = new Logger(GithubContentsRepository.name);
  private readonly octokit: InstanceType<typeof GithubClient>;
  private readonly timeoutMs: number;

  constructor(@Inject(APP_CONFIG) config: IngestionConfig) {
    const maxRetries = config.GITHUB_MAX_RETRIES;
    const onLimit = (kind: string) => (retryAfter: number, options: { method?: string; url?: string }, _octokit: unknown, retryCount: number) => {
      this.logger.warn({ msg: `GitHub ${kind} rate limit`, retryAfterSeconds: retryAfter, method: options.method, url: options.url, retryCount });
      return retryCount < maxRetries;
    };
    this.octokit = new GithubClient({
      baseUrl: config.GITHUB_API_URL.replace(/\/+$/, ''),
      auth: config.GITHUB_TOKEN,
      userAgent: 'callboard-ingestion',
      // Not `request.retries`: set there it would make every failure retryable, 404s included.
      retry: { retries: maxRetries },
      throttle: { onRateLimit: onLimit('primary'), onSecondaryRateLimit: onLimit('secondary') },
    });
    this.timeoutMs = config.GITHUB_REQUEST_TIMEOUT_MS;
  }

  /** The file's text at a commit, or null when the file (or the commit) does not exist. */
  async readFile(repositoryFullName: string, path: string, ref: string): Promise<string | null> {
    const [owner, repo] = repositoryFullName.split('/');
    try {
      const response = await this.octokit.repos.getContent({
        owner,
        repo,
        path,
        ref,
        mediaType: { format: 'raw' },
        request: { signal: AbortSignal.timeout(this.timeoutMs) },
      });
      const data: unknown = response.data;
      if (typeof data === 'string') return data;
      if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
      if (data && typeof data === 'object' && 'content' in data && typeof (data as { content: unknown }).content === 'string') {
        return Buffer.from((data as { content: string }).content, 'base64').toString('utf8');
      }
      return null; // a directory or submodule at that path is not a catalog file
    } catch (err) {
      if ((err as { status?: number }).status === 404) return null;
      throw err;
    }
  }
}
