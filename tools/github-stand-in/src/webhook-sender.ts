import { createHmac, randomBytes, randomUUID } from 'node:crypto';

/**
 * `X-Hub-Signature-256` value for a body: `sha256=<hex HMAC-SHA256(secret, body)>`, the
 * same as `@octokit/webhooks-methods`' `sign()` (which is async, hence this synchronous
 * twin; the spec checks the two agree and that `Webhooks.verify` accepts it).
 */
export function signWebhookBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** Legacy `X-Hub-Signature` (HMAC-SHA1) that GitHub still sends alongside the SHA-256 one. */
function signSha1(secret: string, body: string): string {
  return `sha1=${createHmac('sha1', secret).update(body, 'utf8').digest('hex')}`;
}

export interface SendWebhookOptions {
  url: string;
  /** Webhook secret; `null` sends the delivery unsigned (no signature headers). */
  secret: string | null;
  /** `X-GitHub-Event`, e.g. `push`. */
  event: string;
  /** Serialised with `JSON.stringify`; a string is sent byte-for-byte as given. */
  payload: unknown;
  /** `X-GitHub-Delivery`; default a random UUID. */
  deliveryId?: string;
  /** Sent as `X-Hub-Signature-256` instead of the computed signature. */
  signatureOverride?: string;
  /** `X-GitHub-Hook-ID`; default 424242. */
  hookId?: number;
  /** Extra or replacement headers. */
  headers?: Record<string, string>;
  /** Abort after this long; default 30 s. */
  timeoutMs?: number;
}

export interface SendWebhookResult {
  status: number;
  body: string;
  deliveryId: string;
}

const HOOKSHOT_VERSION = randomBytes(4).toString('hex').slice(0, 7);

function installationTarget(payload: unknown): { type: string; id: number } | undefined {
  if (!payload || typeof payload !== 'object') return undefined;
  const p = payload as { organization?: { id?: unknown }; repository?: { id?: unknown } };
  if (typeof p.organization?.id === 'number') return { type: 'organization', id: p.organization.id };
  if (typeof p.repository?.id === 'number') return { type: 'repository', id: p.repository.id };
  return undefined;
}

/** Delivers one webhook the way GitHub does: a JSON POST with GitHub's headers. */
export async function sendWebhook(options: SendWebhookOptions): Promise<SendWebhookResult> {
  const body = typeof options.payload === 'string' ? options.payload : JSON.stringify(options.payload);
  const deliveryId = options.deliveryId ?? randomUUID();
  const headers: Record<string, string> = {
    Accept: '*/*',
    'Content-Type': 'application/json',
    'User-Agent': `GitHub-Hookshot/${HOOKSHOT_VERSION}`,
    'X-GitHub-Event': options.event,
    'X-GitHub-Delivery': deliveryId,
    'X-GitHub-Hook-ID': String(options.hookId ?? 424242),
  };
  const target = installationTarget(options.payload);
  if (target) {
    headers['X-GitHub-Hook-Installation-Target-Type'] = target.type;
    headers['X-GitHub-Hook-Installation-Target-ID'] = String(target.id);
  }
  if (options.secret !== null) {
    headers['X-Hub-Signature-256'] = signWebhookBody(options.secret, body);
    if (options.signatureOverride === undefined) headers['X-Hub-Signature'] = signSha1(options.secret, body);
  }
  if (options.signatureOverride !== undefined) headers['X-Hub-Signature-256'] = options.signatureOverride;
  Object.assign(headers, options.headers);

  const response = await fetch(options.url, {
    method: 'POST',
    headers,
    body,
    signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
  });
  return { status: response.status, body: await response.text(), deliveryId };
}
