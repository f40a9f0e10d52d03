#!/usr/bin/env node
'use strict';
// `npm run dev`: the whole system on this machine. Starts (or reuses) the dev profile's
// Kafka and FerretDB, the three services, and, unless GITHUB_TOKEN is set, a local stand-in
// for GitHub's REST API that pushes the bundled example organisation through the real
// pipeline. Ctrl-C stops everything it started (engine data is kept in .callboard/state/dev).
const { spawn } = require('node:child_process');
const path = require('node:path');
const stack = require('./stack');

const root = path.resolve(__dirname, '..');
const PORTS = { ingestion: 7001, catalog: 7002, query: 7007, standIn: 7010 };
const COLORS = { ingestion: 36, catalog: 35, query: 32, 'github-stand-in': 33 };
const EXAMPLE_ENTITY_COUNT = 17;

const children = [];
let stackStarted = false;
let stopping = false;

function say(line) {
  process.stdout.write(`\x1b[1mcallboard\x1b[0m ${line}\n`);
}

function prefixLines(name, stream, target) {
  let buffer = '';
  stream.on('data', (chunk) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop();
    for (const line of lines) target.write(`\x1b[${COLORS[name]}m${name.padEnd(15)}\x1b[0m ${line}\n`);
  });
}

function start(name, script, env) {
  const child = spawn(process.execPath, [path.join(root, script)], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  prefixLines(name, child.stdout, process.stdout);
  prefixLines(name, child.stderr, process.stderr);
  child.on('exit', (code, signal) => {
    if (!stopping) {
      say(`${name} exited (${signal ?? code}); stopping everything`);
      void shutdown(1);
    }
  });
  children.push({ name, child });
  return child;
}

async function waitFor(what, probe, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch {
      // not up yet
    }
    if (stopping) throw new Error('stopping');
    if (Date.now() > deadline) throw new Error(`${what} not ready after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const healthy = (port) => () => fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok);

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  say('stopping services...');
  await Promise.all(
    children.map(
      ({ child }) =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => child.kill('SIGKILL'), 30000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
  if (stackStarted) {
    say('stopping Kafka and FerretDB (data kept in .callboard/state/dev)...');
    await stack.down({ profile: 'dev' }).catch((err) => say(`stack down failed: ${err.message}`));
  }
  say('stopped');
  process.exit(code);
}

async function main() {
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));
  const t0 = Date.now();

  say('starting Kafka and FerretDB (first run downloads and builds them: about 1-2 minutes)...');
  const engines = await stack.up({ profile: 'dev' });
  stackStarted = engines.started.kafka || engines.started.mongodb;
  say(`engines ready: kafka ${engines.kafkaBrokers}, mongodb ${engines.mongodbUri}`);

  // GitHub credentials or an API URL mean a real GitHub (or GitHub Enterprise, or someone
  // else's stand-in): then no bundled stand-in runs and the webhook secret must be given.
  const useRealGithub = Boolean(process.env.GITHUB_TOKEN || process.env.GITHUB_APP_ID || process.env.GITHUB_API_URL);
  if (useRealGithub && !process.env.GITHUB_WEBHOOK_SECRET) {
    throw new Error('GITHUB_TOKEN, GITHUB_APP_ID or GITHUB_API_URL is set, so that GitHub is used: set GITHUB_WEBHOOK_SECRET to the secret of its webhook too');
  }
  const github = useRealGithub
    ? {}
    : { GITHUB_API_URL: `http://127.0.0.1:${PORTS.standIn}`, GITHUB_TOKEN: 'local-stand-in-token', GITHUB_WEBHOOK_SECRET: process.env.GITHUB_WEBHOOK_SECRET || 'local-dev-webhook-secret' };
  const common = {
    KAFKA_BROKERS: engines.kafkaBrokers,
    // An external MONGODB_URI is used as given; the local FerretDB gets the `callboard` database.
    MONGODB_URI: process.env.MONGODB_URI || `${engines.mongodbUri.replace(/\/?$/, '/')}callboard`,
    LOG_PRETTY: process.env.LOG_PRETTY ?? 'true',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
  };

  start('ingestion', 'dist/apps/ingestion/src/main.js', { ...common, ...github, PORT: String(PORTS.ingestion) });
  start('catalog', 'dist/apps/catalog/src/main.js', { ...common, PORT: String(PORTS.catalog) });
  start('query', 'dist/apps/query/src/main.js', { ...common, PORT: String(PORTS.query) });
  for (const [name, port] of [['ingestion', PORTS.ingestion], ['catalog', PORTS.catalog], ['query', PORTS.query]]) {
    await waitFor(name, healthy(port), 90000);
  }
  say(`services healthy after ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const entitiesUrl = `http://127.0.0.1:${PORTS.query}/api/catalog/entities`;
  if (!useRealGithub) {
    const pushedAt = Date.now();
    const before = await fetch(entitiesUrl).then((r) => r.json());
    if (Array.isArray(before) && before.length > 0) {
      say(`the catalog kept ${before.length} entities from an earlier run; the example pushes are re-sent and unchanged entities are not rewritten`);
    }
    start('github-stand-in', 'dist/tools/github-stand-in/src/main.js', {
      GITHUB_STAND_IN_PORT: String(PORTS.standIn),
      GITHUB_TOKEN: github.GITHUB_TOKEN,
      GITHUB_WEBHOOK_SECRET: github.GITHUB_WEBHOOK_SECRET,
      CALLBOARD_WEBHOOK_URL: `http://127.0.0.1:${PORTS.ingestion}/webhooks/github`,
    });
    const count = await waitFor(
      'example catalog',
      async () => {
        const entities = await fetch(entitiesUrl).then((r) => r.json());
        return Array.isArray(entities) && entities.length >= EXAMPLE_ENTITY_COUNT ? entities.length : 0;
      },
      60000,
    );
    say(`example organisation "acme" ingested: ${count} entities queryable ${((Date.now() - pushedAt) / 1000).toFixed(1)} s after the stand-in started`);
  }

  say(`ready in ${((Date.now() - t0) / 1000).toFixed(1)} s. Try:`);
  say(`  curl '${entitiesUrl}?filter=kind=component'`);
  say(`  curl http://127.0.0.1:${PORTS.query}/api/catalog/entities/by-name/component/default/payments-service`);
  say(`  GitHub webhooks go to http://127.0.0.1:${PORTS.ingestion}/webhooks/github (secret: ${useRealGithub ? 'GITHUB_WEBHOOK_SECRET' : github.GITHUB_WEBHOOK_SECRET})`);
  if (!useRealGithub) say(`  GitHub stand-in: http://127.0.0.1:${PORTS.standIn}/orgs/acme/repos`);
  say(`  health: http://127.0.0.1:{${PORTS.ingestion},${PORTS.catalog},${PORTS.query}}/health`);
  say('Ctrl-C stops everything.');
}

main().catch((err) => {
  if (err.message !== 'stopping') say(`error: ${err.message}`);
  void shutdown(1);
});
