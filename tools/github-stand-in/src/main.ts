import { z } from 'zod';
import { defaultExampleOrgDir, loadExampleOrg } from './example-org';
import { pushExampleOrgChanges } from './example-org-pusher';
import type { ExampleOrgWatcher } from './example-org-watcher';
import { GitHubStandIn } from './github-stand-in';
import { sendWebhook } from './webhook-sender';

/**
 * Local GitHub for a newcomer's run: serves the example organisation `acme` over a
 * GitHub-compatible REST API and delivers one signed push webhook per repository to
 * Callboard's ingestion once it is healthy, then keeps serving until SIGTERM/SIGINT; while it
 * runs, a file saved in examples/acme is committed and its push delivered.
 *
 *   GITHUB_STAND_IN_PORT    port to listen on (default 7010)
 *   GITHUB_STAND_IN_HOST    interface to bind (default 127.0.0.1)
 *   GITHUB_TOKEN            optional; when set, API requests must carry it
 *   CALLBOARD_WEBHOOK_URL   where to deliver webhooks (default http://127.0.0.1:7001/webhooks/github)
 *   GITHUB_WEBHOOK_SECRET   required; the secret deliveries are signed with
 *   GITHUB_STAND_IN_WATCH   `true` (default): commit and push what is saved in examples/acme; `false`: only the first pushes
 */

const HEALTH_TIMEOUT_MS = 60_000;

const EnvSchema = z.object({
  GITHUB_STAND_IN_PORT: z.coerce
    .number({ error: 'GITHUB_STAND_IN_PORT must be a port number' })
    .int('GITHUB_STAND_IN_PORT must be an integer')
    .min(0, 'GITHUB_STAND_IN_PORT must be between 0 and 65535')
    .max(65535, 'GITHUB_STAND_IN_PORT must be between 0 and 65535')
    .default(7010),
  GITHUB_STAND_IN_HOST: z.string().default('127.0.0.1'),
  GITHUB_TOKEN: z.string().optional(),
  CALLBOARD_WEBHOOK_URL: z
    .url({ protocol: /^https?$/, error: 'CALLBOARD_WEBHOOK_URL must be an http(s) URL' })
    .default('http://127.0.0.1:7001/webhooks/github'),
  GITHUB_WEBHOOK_SECRET: z.string({
    error: 'GITHUB_WEBHOOK_SECRET is required: the secret the ingestion service verifies webhook signatures with',
  }),
  GITHUB_STAND_IN_WATCH: z.stringbool({ error: 'GITHUB_STAND_IN_WATCH must be true or false' }).default(true),
});

export type StandInEnv = z.infer<typeof EnvSchema>;

/** Parses the environment (empty values count as unset); throws one line naming the variable(s). */
export function parseEnv(env: NodeJS.ProcessEnv): StandInEnv {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = EnvSchema.safeParse(present);
  if (!result.success) throw new Error(result.error.issues.map((i) => i.message).join('; '));
  return result.data;
}

function log(line: string): void {
  process.stdout.write(`[github-stand-in] ${line}\n`);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function describeFetchError(error: unknown): string {
  const e = error as { message?: unknown; cause?: { message?: unknown; code?: unknown } } | undefined;
  const cause = e?.cause;
  if (cause && typeof cause.message === 'string' && cause.message) return cause.message;
  if (cause && typeof cause.code === 'string') return cause.code;
  return typeof e?.message === 'string' ? e.message : String(error);
}

/** Polls `<origin>/health` until it answers 200; throws after `timeoutMs`. */
export async function waitForHealth(webhookUrl: string, timeoutMs: number, signal: AbortSignal): Promise<void> {
  const healthUrl = `${new URL(webhookUrl).origin}/health`;
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (!signal.aborted) {
    try {
      const response = await fetch(healthUrl, { signal: AbortSignal.any([signal, AbortSignal.timeout(2000)]) });
      await response.arrayBuffer();
      if (response.status === 200) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      if (signal.aborted) break;
      last = describeFetchError(error);
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `Callboard ingestion did not become healthy: GET ${healthUrl} (${last}) after ${timeoutMs / 1000} s; is it running and is CALLBOARD_WEBHOOK_URL right?`,
      );
    }
    await sleep(500, signal);
  }
  throw new Error('stopped while waiting for the ingestion service');
}

export async function main(): Promise<void> {
  let env: StandInEnv;
  try {
    env = parseEnv(process.env);
  } catch (error) {
    process.stderr.write(`github-stand-in: ${(error as Error).message}\n`);
    process.exit(1);
  }

  const standIn = new GitHubStandIn({ token: env.GITHUB_TOKEN, org: 'acme' });
  const stopping = new AbortController();
  let stopped: Promise<void> | undefined;
  let watcher: ExampleOrgWatcher | undefined;
  const shutdown = (signalName: string) => {
    if (stopped) return;
    log(`${signalName} received, stopping`);
    stopping.abort();
    stopped = Promise.resolve(watcher?.close()).then(() => standIn.stop()).then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`github-stand-in: error while stopping: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  let baseUrl: string;
  try {
    baseUrl = await standIn.start(env.GITHUB_STAND_IN_PORT, env.GITHUB_STAND_IN_HOST);
  } catch (error) {
    process.stderr.write(
      `github-stand-in: cannot listen on ${env.GITHUB_STAND_IN_HOST}:${env.GITHUB_STAND_IN_PORT}: ${(error as Error).message}\n`,
    );
    process.exit(1);
  }
  const dir = defaultExampleOrgDir();
  const repos = loadExampleOrg(standIn, dir);
  log(`GitHub REST API stand-in listening on ${baseUrl} (auth ${env.GITHUB_TOKEN ? 'required' : 'not required'})`);
  log(`example organisation "acme": ${repos.map((r) => r.fullName).join(', ')}`);
  log(`waiting for ${new URL(env.CALLBOARD_WEBHOOK_URL).origin}/health (up to ${HEALTH_TIMEOUT_MS / 1000} s)`);

  try {
    await waitForHealth(env.CALLBOARD_WEBHOOK_URL, HEALTH_TIMEOUT_MS, stopping.signal);
  } catch (error) {
    if (stopping.signal.aborted) return;
    process.stderr.write(`github-stand-in: ${(error as Error).message}\n`);
    await standIn.stop();
    process.exit(1);
  }

  let accepted = 0;
  for (const { fullName, push } of repos) {
    if (stopping.signal.aborted) return;
    try {
      const result = await sendWebhook({
        url: env.CALLBOARD_WEBHOOK_URL,
        secret: env.GITHUB_WEBHOOK_SECRET,
        event: 'push',
        payload: push.payload,
      });
      if (result.status >= 200 && result.status < 300) accepted += 1;
      log(`push ${fullName} ${push.after.slice(0, 7)} delivery=${result.deliveryId} status=${result.status}`);
    } catch (error) {
      log(`push ${fullName} delivery failed: ${(error as Error).message}`);
    }
  }
  log(`${accepted}/${repos.length} deliveries accepted; serving until SIGTERM/SIGINT`);
  if (env.GITHUB_STAND_IN_WATCH && !stopping.signal.aborted) {
    watcher = await pushExampleOrgChanges(standIn, {
      dir,
      pushes: repos,
      webhookUrl: env.CALLBOARD_WEBHOOK_URL,
      secret: env.GITHUB_WEBHOOK_SECRET,
      log,
    });
    log(`watching ${dir}: a file saved there is committed to its repository and the push delivered (a new folder is a new repository)`);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`github-stand-in: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
