import { InstallationTokenCache } from './installation-token-cache';

// The value @octokit/auth-app stores: token|createdAt|expiresAt|repositorySelection|permissions|singleFile
const value = (token: string, createdAt: number, expiresAt: number) =>
  `${token}|${new Date(createdAt).toISOString()}|${new Date(expiresAt).toISOString()}|all|contents,metadata|`;

describe('InstallationTokenCache', () => {
  let now: number;
  let cache: InstallationTokenCache;

  beforeEach(() => {
    now = Date.parse('2026-01-01T00:00:00Z');
    cache = new InstallationTokenCache(() => now);
  });

  it("reuses an hour-long token until a minute before its expires_at, as auth-app's own cache does", () => {
    cache.set('42', value('ghs_a', now, now + 3_600_000));
    now += 58 * 60_000;
    expect(cache.get('42')).toMatch(/^ghs_a\|/);
    now += 60_000;
    expect(cache.get('42')).toBeUndefined();
  });

  it('renews a short-lived token ahead of its expiry instead of after 59 minutes', () => {
    cache.set('42', value('ghs_short', now, now + 5_000));
    now += 3_500;
    expect(cache.get('42')).toMatch(/^ghs_short\|/);
    now += 600; // within the last fifth of its life
    expect(cache.get('42')).toBeUndefined();
  });

  it('keeps a value it cannot read for 59 minutes', () => {
    cache.set('42', 'opaque');
    now += 58 * 60_000;
    expect(cache.get('42')).toBe('opaque');
    now += 2 * 60_000;
    expect(cache.get('42')).toBeUndefined();
  });

  it("forgets one installation's tokens, whatever permissions or repositories they were scoped to", () => {
    cache.set('42', value('a', now, now + 3_600_000));
    cache.set('42|1,2', value('b', now, now + 3_600_000));
    cache.set('420', value('c', now, now + 3_600_000));
    cache.forgetInstallation(42);
    expect([cache.get('42'), cache.get('42|1,2')]).toEqual([undefined, undefined]);
    expect(cache.get('420')).toMatch(/^c\|/);
  });
});
