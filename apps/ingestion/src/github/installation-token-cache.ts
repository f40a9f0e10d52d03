/** auth-app's own rule when a token's expiry cannot be read: one minute less than GitHub's hour. */
const FALLBACK_TTL_MS = 59 * 60 * 1000;
/** Renew this long before `expires_at` (at most a fifth of the token's lifetime). */
const RENEW_AHEAD_MS = 60 * 1000;
const MAX_ENTRIES = 15_000;

interface Entry {
  value: string;
  renewAt: number;
}

/**
 * Where @octokit/auth-app keeps installation tokens (its documented `cache` option; it still
 * creates and renews the tokens). Its default cache reuses a token for 59 minutes whatever
 * the token's `expires_at` says; this one reuses it only until shortly before that expiry,
 * so a server issuing shorter-lived tokens (or a skewed clock) never gets an expired one
 * sent. It can also drop an installation's tokens once GitHub refuses them (revoked, say),
 * so the next attempt exchanges a new one instead of failing until the hour is over.
 *
 * auth-app stores `token|createdAt|expiresAt|...`; a value not in that shape falls back to
 * auth-app's 59 minutes.
 */
export class InstallationTokenCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly clock: () => number = Date.now) {}

  get(key: string): string | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.clock() >= entry.renewAt) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: string): void {
    const now = this.clock();
    const [, createdAt, expiresAt] = value.split('|');
    const expires = Date.parse(expiresAt ?? '');
    const created = Date.parse(createdAt ?? '');
    const renewAt = Number.isFinite(expires)
      ? expires - Math.min(RENEW_AHEAD_MS, Math.max(0, (expires - (Number.isFinite(created) ? created : now)) / 5))
      : now + FALLBACK_TTL_MS;
    this.entries.delete(key);
    this.entries.set(key, { value, renewAt });
    // Oldest first: Map keeps insertion order, and set() re-inserts.
    while (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
  }

  /** Forgets every token of an installation (auth-app's keys start with the installation id). */
  forgetInstallation(installationId: number): void {
    for (const key of [...this.entries.keys()]) {
      if (key === String(installationId) || key.startsWith(`${installationId}|`)) this.entries.delete(key);
    }
  }
}
