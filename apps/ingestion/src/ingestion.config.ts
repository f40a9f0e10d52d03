import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { KubernetesValidatorFunctions } from '@backstage/catalog-model';
import { kafkaEnv, mongoEnv, port, serviceEnv } from '@callboard/config';
import { catalogPathPatternProblem } from './repository-sync/catalog-paths';

/** How ingestion authenticates to GitHub's REST API. */
export type GithubAuth =
  | { kind: 'token'; token: string }
  | { kind: 'app'; appId: number; privateKey: string }
  /** Public repositories only, at GitHub's anonymous rate limit; what a local stand-in without a token needs. */
  | { kind: 'anonymous' };

const APP_CHOICE = 'set GITHUB_TOKEN, or a GitHub App (GITHUB_APP_ID with GITHUB_APP_PRIVATE_KEY or GITHUB_APP_PRIVATE_KEY_FILE)';

export const githubEnv = {
  /** REST API base URL: https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server. */
  GITHUB_API_URL: z.url().default('https://api.github.com'),
  GITHUB_TOKEN: z.string().min(1).optional(),
  /** The GitHub App's numeric id (its settings page, "App ID"). */
  GITHUB_APP_ID: z.string().regex(/^\d+$/, 'expected the numeric App ID').optional(),
  /** The App's private key, PEM; `\n` escapes are accepted for one-line environments. */
  GITHUB_APP_PRIVATE_KEY: z.string().min(1).optional(),
  /** A file holding the App's private key (a mounted secret), instead of GITHUB_APP_PRIVATE_KEY. */
  GITHUB_APP_PRIVATE_KEY_FILE: z.string().min(1).optional(),
  GITHUB_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(120000).default(15000),
  /** Retries of a GitHub request after a server error or a rate limit, before the delivery fails. */
  GITHUB_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(3),
  /** GitHub requests in flight at once, all deliveries together. */
  GITHUB_MAX_CONCURRENT_REQUESTS: z.coerce.number().int().min(1).max(256).default(32),
};

export const webhookEnv = {
  /** Shared secret of the GitHub webhook; deliveries whose X-Hub-Signature-256 matches no accepted secret are refused. */
  GITHUB_WEBHOOK_SECRET: z.string().min(1, 'required: the webhook secret configured on GitHub'),
  /**
   * More accepted secrets, comma-separated: while rotating, the previous secret stays here
   * until GitHub signs with the new one everywhere.
   */
  GITHUB_WEBHOOK_SECRETS: z
    .string()
    .optional()
    .transform((v) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean)),
  /**
   * GitHub's payloads are capped at 25 MB; anything larger is not from GitHub. Not above: a
   * delivery is recorded as one Kafka message (topics take 32 MiB), and parked whole, escaped
   * inside a dead letter, if it cannot be processed; a larger body could be refused by Kafka
   * (503, for good) instead of answered 413.
   */
  WEBHOOK_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(25 * 1024 * 1024, 'at most 26214400 (25 MiB, GitHub\'s cap): a delivery is recorded as one Kafka message')
    .default(25 * 1024 * 1024),
  /**
   * How long a webhook waits for Kafka to acknowledge its record before it is answered 503:
   * below GitHub's 10 s, after which GitHub gives up on the delivery and shows it as failed
   * whatever the answer would have been.
   */
  WEBHOOK_PUBLISH_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(8000),
};

type IssueSink = { addIssue(issue: { code: 'custom'; path: string[]; message: string; input?: unknown }): void };

/** The App key as PEM, or undefined (with an issue naming the variable) when it is unusable. */
function loadPrivateKey(env: { GITHUB_APP_PRIVATE_KEY?: string; GITHUB_APP_PRIVATE_KEY_FILE?: string }, ctx: IssueSink): string | undefined {
  const variable = env.GITHUB_APP_PRIVATE_KEY_FILE ? 'GITHUB_APP_PRIVATE_KEY_FILE' : 'GITHUB_APP_PRIVATE_KEY';
  let pem: string;
  if (env.GITHUB_APP_PRIVATE_KEY_FILE) {
    try {
      pem = readFileSync(env.GITHUB_APP_PRIVATE_KEY_FILE, 'utf8');
    } catch (err) {
      ctx.addIssue({ code: 'custom', path: [variable], message: `cannot read ${env.GITHUB_APP_PRIVATE_KEY_FILE}: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
      return undefined;
    }
  } else {
    pem = (env.GITHUB_APP_PRIVATE_KEY ?? '').replace(/\\n/g, '\n');
  }
  pem = pem.trim();
  try {
    createPrivateKey(pem);
  } catch {
    ctx.addIssue({ code: 'custom', path: [variable], message: 'not a PEM private key (the .pem file GitHub generated for the App)' });
    return undefined;
  }
  return `${pem}\n`;
}

/** One way of authenticating, decided at boot: a token, an App, or (neither set) anonymous. */
function resolveGithubAuth(
  env: { GITHUB_TOKEN?: string; GITHUB_APP_ID?: string; GITHUB_APP_PRIVATE_KEY?: string; GITHUB_APP_PRIVATE_KEY_FILE?: string },
  ctx: IssueSink,
): GithubAuth | undefined {
  const appVariables = (['GITHUB_APP_ID', 'GITHUB_APP_PRIVATE_KEY', 'GITHUB_APP_PRIVATE_KEY_FILE'] as const).filter((v) => env[v] !== undefined);
  if (env.GITHUB_TOKEN !== undefined && appVariables.length > 0) {
    ctx.addIssue({ code: 'custom', path: ['GITHUB_TOKEN'], message: `either a token or a GitHub App, not both: ${APP_CHOICE}` });
    return undefined;
  }
  if (env.GITHUB_TOKEN !== undefined) return { kind: 'token', token: env.GITHUB_TOKEN };
  if (appVariables.length === 0) return { kind: 'anonymous' };
  if (env.GITHUB_APP_PRIVATE_KEY !== undefined && env.GITHUB_APP_PRIVATE_KEY_FILE !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['GITHUB_APP_PRIVATE_KEY_FILE'], message: 'set GITHUB_APP_PRIVATE_KEY or GITHUB_APP_PRIVATE_KEY_FILE, not both' });
    return undefined;
  }
  if (env.GITHUB_APP_ID === undefined) {
    ctx.addIssue({ code: 'custom', path: ['GITHUB_APP_ID'], message: `required with a GitHub App private key: ${APP_CHOICE}` });
    return undefined;
  }
  if (env.GITHUB_APP_PRIVATE_KEY === undefined && env.GITHUB_APP_PRIVATE_KEY_FILE === undefined) {
    ctx.addIssue({ code: 'custom', path: ['GITHUB_APP_PRIVATE_KEY'], message: `required with GITHUB_APP_ID: ${APP_CHOICE}` });
    return undefined;
  }
  const privateKey = loadPrivateKey(env, ctx);
  return privateKey === undefined ? undefined : { kind: 'app', appId: Number(env.GITHUB_APP_ID), privateKey };
}

/** Which organisations' people become Users and Groups, and in which namespace. */
export const githubOrgEnv = {
  /**
   * Organisation logins whose members and teams are synced, comma-separated; empty: every
   * organisation an organization/team/membership event comes from (that the token or App can read).
   */
  GITHUB_ORGS: z
    .string()
    .optional()
    .transform((v) => (v ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean)),
  /** The catalog namespace of the synced Users and Groups (Backstage's GithubOrgEntityProvider uses `default`). */
  GITHUB_ORG_NAMESPACE: z
    .string()
    .default('default')
    .refine((v) => KubernetesValidatorFunctions.isValidNamespace(v), 'not a valid entity namespace (lowercase letters, digits and "-", at most 63)'),
};

export const ingestionConfigSchema = z
  .object({
    ...serviceEnv,
    ...kafkaEnv,
    ...mongoEnv,
    ...githubOrgEnv,
    ...webhookEnv,
    ...githubEnv,
    PORT: port(7001),
    ...mongoEnv,
    /** Repository paths read as catalog files (comma-separated), plain or globs (`**\/catalog-info.yaml`). */
    CATALOG_FILE_PATHS: z
      .string()
      .default('catalog-info.yaml')
      .transform((v) => v.split(',').map((p) => p.trim().replace(/^\/+/, '')).filter(Boolean))
      .pipe(
        z
          .array(z.string().min(1))
          .min(1, 'at least one path')
          .superRefine((patterns, ctx) => {
            for (const pattern of patterns) {
              const problem = catalogPathPatternProblem(pattern);
              if (problem) ctx.addIssue({ code: 'custom', message: `${pattern}: ${problem}` });
            }
          }),
      ),
    /**
     * How often every installation (as a GitHub App) or every owner seen (with a token) is
     * reconciled with GitHub, in minutes; 0 turns the schedule off.
     */
    RECONCILE_INTERVAL_MINUTES: z.coerce.number().int().min(0).max(7 * 24 * 60).default(360),
    INGESTION_CONSUMER_GROUP: z.string().min(1).default('callboard-ingestion'),
    /** Deliveries processed at once (each repository's, organisation's or installation's still one after the other). A delivery mostly waits (GitHub, MongoDB, Kafka acks): 16 held 25 pushes/s to ~20/s with seconds of queue, 64 kept up (docs/benchmarks.md). */
    INGESTION_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(64),
    /** Delay before the first retry of a failed delivery, in ms; each later one waits twice as long, up to INGESTION_RETRY_MAX_DELAY_MS. */
    INGESTION_RETRY_MIN_DELAY_MS: z.coerce.number().int().min(0).max(600_000).default(1000),
    INGESTION_RETRY_MAX_DELAY_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
    /** Refreshes of one location within this many ms of the last are answered by that one (Backstage's refresh button pressed again). */
    INGESTION_REFRESH_MIN_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(10_000),
    /**
     * Attempts at a delivery whose processing fails (GitHub unreachable after the Octokit
     * retries, a refused installation token) before it is parked in the dead-letter topic.
     */
    INGESTION_DELIVERY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
    /** How long processed delivery ids are remembered: at least GitHub's 7-day redelivery window. */
    INGESTION_DEDUP_RETENTION_DAYS: z.coerce.number().min(7, "at least GitHub's redelivery window (7 days)").max(365).default(8),
    /**
     * How often the state of failed deliveries (their repository, organisation or installation)
     * is read again from GitHub, in ms; 0 turns it off (parked deliveries then wait for a replay
     * or the scheduled reconciliation).
     */
    INGESTION_REPAIR_INTERVAL_MS: z.coerce.number().int().min(0).max(24 * 3600 * 1000).default(60_000),
    INGESTION_DEDUP_PRUNE_INTERVAL_MS: z.coerce.number().int().min(1000).max(7 * 24 * 3600 * 1000).default(3600 * 1000),
  })
  .transform((env, ctx) => {
    const githubAuth = resolveGithubAuth(env, ctx);
    if (!githubAuth) return z.NEVER;
    // The current secret first: it is the one that normally matches.
    const webhookSecrets = [...new Set([env.GITHUB_WEBHOOK_SECRET, ...env.GITHUB_WEBHOOK_SECRETS])];
    return { ...env, githubAuth, webhookSecrets };
  });

export type IngestionConfig = z.output<typeof ingestionConfigSchema>;
