import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigValidationError, parseEnv } from '@callboard/config';
import { generateAppKeyPair } from '@callboard/github-stand-in';
import { ingestionConfigSchema } from './ingestion.config';

describe('ingestion configuration', () => {
  const { privateKey } = generateAppKeyPair();
  const base = { GITHUB_WEBHOOK_SECRET: 'current' };
  const parse = (env: Record<string, string>) => parseEnv(ingestionConfigSchema, { ...base, ...env });
  const failure = (env: Record<string, string>) => {
    try {
      parse(env);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigValidationError);
      return (err as Error).message;
    }
    throw new Error('expected the configuration to be refused');
  };
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'callboard-config-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('authenticates with a token, a GitHub App, or (neither set) anonymously', () => {
    expect(parse({ GITHUB_TOKEN: 'ghp_x' }).githubAuth).toEqual({ kind: 'token', token: 'ghp_x' });
    expect(parse({}).githubAuth).toEqual({ kind: 'anonymous' });
    expect(parse({ GITHUB_APP_ID: '12345', GITHUB_APP_PRIVATE_KEY: privateKey }).githubAuth).toEqual({ kind: 'app', appId: 12345, privateKey });
  });

  it('waits 8 s for Kafka before a webhook is answered 503, and refuses a wait that is no number of ms', () => {
    expect(parse({}).WEBHOOK_PUBLISH_TIMEOUT_MS).toBe(8000);
    expect(parse({ WEBHOOK_PUBLISH_TIMEOUT_MS: '2500' }).WEBHOOK_PUBLISH_TIMEOUT_MS).toBe(2500);
    expect(failure({ WEBHOOK_PUBLISH_TIMEOUT_MS: 'soon' })).toMatch(/WEBHOOK_PUBLISH_TIMEOUT_MS/);
    expect(failure({ WEBHOOK_PUBLISH_TIMEOUT_MS: '10' })).toMatch(/WEBHOOK_PUBLISH_TIMEOUT_MS/);
  });

  it('reads the App key from a one-line value with \\n escapes, or from a file', () => {
    const oneLine = privateKey.trim().replace(/\n/g, '\\n');
    expect(parse({ GITHUB_APP_ID: '7', GITHUB_APP_PRIVATE_KEY: oneLine }).githubAuth).toEqual({ kind: 'app', appId: 7, privateKey });
    const file = join(dir, 'app.pem');
    writeFileSync(file, privateKey);
    expect(parse({ GITHUB_APP_ID: '7', GITHUB_APP_PRIVATE_KEY_FILE: file }).githubAuth).toEqual({ kind: 'app', appId: 7, privateKey });
  });

  it('refuses mixed or incomplete GitHub credentials with one line naming the variable, never the secret', () => {
    const both = failure({ GITHUB_TOKEN: 'ghp_secret', GITHUB_APP_ID: '7', GITHUB_APP_PRIVATE_KEY: privateKey });
    expect(both).toMatch(/^Invalid configuration: GITHUB_TOKEN: either a token or a GitHub App, not both/);
    expect(both).not.toMatch(/ghp_secret|PRIVATE KEY-----/);
    expect(both).not.toContain('\n');
    expect(failure({ GITHUB_APP_ID: '7' })).toMatch(/GITHUB_APP_PRIVATE_KEY: required with GITHUB_APP_ID/);
    expect(failure({ GITHUB_APP_PRIVATE_KEY: privateKey })).toMatch(/GITHUB_APP_ID: required with a GitHub App private key/);
    expect(failure({ GITHUB_APP_ID: '7', GITHUB_APP_PRIVATE_KEY: privateKey, GITHUB_APP_PRIVATE_KEY_FILE: '/x' })).toMatch(/GITHUB_APP_PRIVATE_KEY_FILE: set GITHUB_APP_PRIVATE_KEY or GITHUB_APP_PRIVATE_KEY_FILE, not both/);
    expect(failure({ GITHUB_APP_ID: 'my-app', GITHUB_APP_PRIVATE_KEY: privateKey })).toMatch(/GITHUB_APP_ID: expected the numeric App ID/);
    const badKey = failure({ GITHUB_APP_ID: '7', GITHUB_APP_PRIVATE_KEY: 'not a key' });
    expect(badKey).toMatch(/GITHUB_APP_PRIVATE_KEY: not a PEM private key/);
    expect(badKey).not.toMatch(/not a key"/);
    expect(failure({ GITHUB_APP_ID: '7', GITHUB_APP_PRIVATE_KEY_FILE: join(dir, 'missing.pem') })).toMatch(/GITHUB_APP_PRIVATE_KEY_FILE: cannot read .*missing\.pem: ENOENT/);
  });

  it('accepts several webhook secrets, the current one first', () => {
    expect(parse({}).webhookSecrets).toEqual(['current']);
    expect(parse({ GITHUB_WEBHOOK_SECRETS: ' previous , older,,current' }).webhookSecrets).toEqual(['current', 'previous', 'older']);
    const message = failure({ GITHUB_WEBHOOK_SECRET: '' });
    expect(message).toMatch(/GITHUB_WEBHOOK_SECRET/);
  });

  it('takes catalog paths as globs, refusing ones that leave the repository, and a reconciliation interval', () => {
    expect(parse({ CATALOG_FILE_PATHS: '/**/catalog-info.yaml, catalog/*.yaml' }).CATALOG_FILE_PATHS).toEqual(['**/catalog-info.yaml', 'catalog/*.yaml']);
    expect(failure({ CATALOG_FILE_PATHS: '../catalog-info.yaml' })).toMatch(/CATALOG_FILE_PATHS: \.\.\/catalog-info.yaml: must stay inside the repository/);
    expect(parse({}).RECONCILE_INTERVAL_MINUTES).toBe(360);
    expect(parse({ RECONCILE_INTERVAL_MINUTES: '0' }).RECONCILE_INTERVAL_MINUTES).toBe(0);
    expect(failure({ RECONCILE_INTERVAL_MINUTES: '-5' })).toMatch(/RECONCILE_INTERVAL_MINUTES/);
  });

  it('syncs the people of every organisation into `default` unless told otherwise', () => {
    expect(parse({})).toMatchObject({ GITHUB_ORGS: [], GITHUB_ORG_NAMESPACE: 'default' });
    expect(parse({ GITHUB_ORGS: 'Acme, initech', GITHUB_ORG_NAMESPACE: 'acme' })).toMatchObject({ GITHUB_ORGS: ['acme', 'initech'], GITHUB_ORG_NAMESPACE: 'acme' });
    expect(failure({ GITHUB_ORG_NAMESPACE: 'Acme_Org' })).toMatch(/GITHUB_ORG_NAMESPACE: not a valid entity namespace/);
  });

  it('bounds delivery attempts and keeps processed delivery ids at least for GitHub\'s redelivery window', () => {
    expect(parse({})).toMatchObject({ INGESTION_DELIVERY_MAX_ATTEMPTS: 5, INGESTION_DEDUP_RETENTION_DAYS: 8, INGESTION_DEDUP_PRUNE_INTERVAL_MS: 3600000 });
    expect(parse({ INGESTION_DELIVERY_MAX_ATTEMPTS: '2', INGESTION_DEDUP_RETENTION_DAYS: '14' })).toMatchObject({ INGESTION_DELIVERY_MAX_ATTEMPTS: 2, INGESTION_DEDUP_RETENTION_DAYS: 14 });
    expect(failure({ INGESTION_DEDUP_RETENTION_DAYS: '3' })).toMatch(/INGESTION_DEDUP_RETENTION_DAYS: at least GitHub's redelivery window/);
    expect(failure({ INGESTION_DELIVERY_MAX_ATTEMPTS: '0' })).toMatch(/INGESTION_DELIVERY_MAX_ATTEMPTS/);
  });

  it('takes a webhook body limit up to GitHub\'s 25 MiB, no more, and says why', () => {
    expect(parse({}).WEBHOOK_BODY_LIMIT_BYTES).toBe(25 * 1024 * 1024);
    expect(parse({ WEBHOOK_BODY_LIMIT_BYTES: String(1024 * 1024) }).WEBHOOK_BODY_LIMIT_BYTES).toBe(1024 * 1024);
    expect(failure({ WEBHOOK_BODY_LIMIT_BYTES: String(25 * 1024 * 1024 + 1) })).toMatch(/WEBHOOK_BODY_LIMIT_BYTES.*at most 26214400/);
  });
});
