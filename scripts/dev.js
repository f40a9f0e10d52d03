#!/usr/bin/env node
'use strict';
// `npm run dev`: the whole system on this machine. Installs dependencies and builds when
// needed, starts (or reuses) the dev profile's Kafka and FerretDB, the three services, and,
// unless GitHub credentials are set, a local stand-in for GitHub's REST API that pushes the
// bundled example organisation through the real pipeline and then commits and pushes what is
// saved in examples/acme. A service that exits is restarted with a backoff (scripts/supervisor.js).
// It says what it is doing before and after each long step. Ctrl-C stops everything it
// started (engine data is kept in .callboard/state/dev).
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const deps = require('./ensure-deps');
const { devConfig, DevConfigError } = require('./dev-config');
const stack = require('./stack');
const kafkaEngine = require('./stack/kafka');
const ferretdbEngine = require('./stack/ferretdb');
const U = require('./stack/util');

const root = path.resolve(__dirname, '..');
const exampleDir = path.join(root, 'examples', 'acme');
const COLORS = { ingestion: 36, catalog: 35, query: 32, 'github-stand-in': 33 };
const HEARTBEAT_MS = 20_000;

let supervisor = null;
let stackStarted = false;
let stopping = false;

function say(line) {
  process.stdout.write(`\x1b[1mcallboard\x1b[0m ${line}\n`);
}

const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** Runs a long step: says what it starts, that it is still at it every 20 s, and how long it took. */
async function step(doing, fn) {
  const t0 = Date.now();
  const heartbeat = setInterval(() => say(`  still ${doing} (${Math.round((Date.now() - t0) / 1000)} s)...`), HEARTBEAT_MS);
  try {
    const value = await fn();
    return { value, ms: Date.now() - t0 };
  } finally {
    clearInterval(heartbeat);
  }
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

function spawnNode(name, script, env) {
  const child = spawn(process.execPath, [path.join(root, script)], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  prefixLines(name, child.stdout, process.stdout);
  prefixLines(name, child.stderr, process.stderr);
  return child;
}

function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`${[command, ...args].join(' ')} failed (${signal ?? `exit code ${code}`}); see above`))));
  });
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

const healthy = (port) => () => fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok);

/** No earlier build output: tsc compiles every file (the incremental state in tsconfig.build.json's tsBuildInfoFile is missing). */
function isFirstBuild() {
  if (!fs.existsSync(path.join(root, 'dist', 'apps', 'ingestion', 'src', 'main.js'))) return true;
  try {
    const { compilerOptions } = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.build.json'), 'utf8'));
    return Boolean(compilerOptions.tsBuildInfoFile) && !fs.existsSync(path.resolve(root, compilerOptions.tsBuildInfoFile));
  } catch {
    return false;
  }
}

/** Entities the example organisation declares: what must be queryable before `ready`. */
function exampleEntityCount() {
  const { parseAllDocuments } = require('yaml');
  let count = 0;
  for (const folder of fs.readdirSync(exampleDir, { withFileTypes: true })) {
    const file = path.join(exampleDir, folder.name, 'catalog-info.yaml');
    if (!folder.isDirectory() || folder.name.startsWith('.') || !fs.existsSync(file)) continue;
    // The catalog file's own generated Location entity, served as Backstage's discovery serves one.
    count += 1;
    for (const doc of parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
      const entity = doc.toJSON();
      if (entity && typeof entity === 'object' && entity.kind && entity.metadata?.name) count += 1;
    }
  }
  return count;
}

async function checkPortsFree(ports, variables) {
  for (const [service, port] of Object.entries(ports)) {
    if (await U.isPortFree(port)) continue;
    const who = U.describeListener(port);
    throw new DevConfigError(
      `port ${port} for ${service} (${variables[service]}) is already in use${who ? ` by ${who}` : ''}: stop it, or choose another port with ${variables[service]}`,
    );
  }
}

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  // A download or build of the engines still running (Ctrl-C during the first run) stops too.
  U.killActiveChildren();
  if (supervisor) {
    say('stopping services...');
    await supervisor.stopAll();
  }
  if (stackStarted) {
    say('stopping Kafka and FerretDB (data kept in .callboard/state/dev)...');
    await stack.down({ profile: 'dev' }).catch((err) => say(`stack down failed: ${err.message}`));
  }
  if (supervisor || stackStarted) say('stopped');
  process.exit(code);
}

async function main() {
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));
  const t0 = Date.now();
  const took = {};

  // Everything a wrong setting would stop, before the long steps.
  const versionProblem = deps.nodeVersionProblem();
  if (versionProblem) throw new DevConfigError(versionProblem);
  const engineConfig = stack.resolveConfig({ profile: 'dev' });
  const taken = {};
  if (!engineConfig.external.kafka) {
    taken.kafka = { port: engineConfig.ports.kafka, variable: 'CALLBOARD_KAFKA_PORT' };
    taken.controller = { port: engineConfig.ports.controller, variable: 'CALLBOARD_KAFKA_CONTROLLER_PORT' };
  }
  if (!engineConfig.external.mongodb) taken.mongodb = { port: engineConfig.ports.mongodb, variable: 'CALLBOARD_MONGODB_PORT' };
  const { ports, variables } = devConfig(process.env, taken);
  // GitHub credentials or an API URL mean a real GitHub (or GitHub Enterprise, or someone
  // else's stand-in): then no bundled stand-in runs and the webhook secret must be given.
  const useRealGithub = Boolean(process.env.GITHUB_TOKEN || process.env.GITHUB_APP_ID || process.env.GITHUB_API_URL);
  if (useRealGithub && !process.env.GITHUB_WEBHOOK_SECRET) {
    throw new DevConfigError('GITHUB_TOKEN, GITHUB_APP_ID or GITHUB_API_URL is set, so that GitHub is used: set GITHUB_WEBHOOK_SECRET to the secret of its webhook too');
  }
  const servicePorts = useRealGithub ? { ingestion: ports.ingestion, catalog: ports.catalog, query: ports.query } : ports;
  await checkPortsFree(servicePorts, variables);

  if (deps.needsInstall()) {
    say('installing dependencies from package-lock.json (no node_modules yet, or the lockfile changed)...');
    const { ms } = await step('installing dependencies', () => deps.install());
    took.dependencies = ms;
    say(`dependencies installed in ${secs(ms)}`);
  }

  const firstBuild = isFirstBuild();
  say(firstBuild ? 'building the TypeScript sources (first build: every file is compiled)...' : 'building (incremental: only what changed is compiled)...');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const build = await step('building', () => run(npm, ['run', '--silent', 'build']));
  took.build = build.ms;
  say(`built in ${secs(build.ms)}`);

  const provision = [
    !engineConfig.external.kafka && !kafkaEngine.isProvisioned(engineConfig.cache) ? `downloads Kafka ${stack.versions.KAFKA_VERSION} from Maven Central` : '',
    !engineConfig.external.mongodb && !ferretdbEngine.isProvisioned(engineConfig.cache) ? `builds FerretDB ${stack.versions.FERRETDB_VERSION} with Go` : '',
  ].filter(Boolean);
  if (provision.length) {
    say(`first run: ${provision.join(' and ')}, into ${U.rel(engineConfig.cache.root)} (progress in ${U.rel(engineConfig.cache.logs)})...`);
  } else {
    say('starting Kafka and FerretDB...');
  }
  const up = await step(provision.length ? 'provisioning Kafka and FerretDB' : 'starting Kafka and FerretDB', () => stack.up({ profile: 'dev' }));
  const engines = up.value;
  took.engines = up.ms;
  stackStarted = engines.started.kafka || engines.started.mongodb;
  const reused = !engines.started.kafka && !engines.started.mongodb && !engines.external.kafka && !engines.external.mongodb;
  say(`engines ready in ${secs(up.ms)}${reused ? ' (already running: reused, left running on Ctrl-C)' : ''}: kafka ${engines.kafkaBrokers}, mongodb ${engines.mongodbUri}`);

  const github = useRealGithub
    ? {}
    : { GITHUB_API_URL: `http://127.0.0.1:${ports.standIn}`, GITHUB_TOKEN: 'local-stand-in-token', GITHUB_WEBHOOK_SECRET: process.env.GITHUB_WEBHOOK_SECRET || 'local-dev-webhook-secret' };
  const common = {
    KAFKA_BROKERS: engines.kafkaBrokers,
    // An external MONGODB_URI is used as given; the local FerretDB gets the `callboard` database.
    MONGODB_URI: process.env.MONGODB_URI || `${engines.mongodbUri.replace(/\/?$/, '/')}callboard`,
    LOG_PRETTY: process.env.LOG_PRETTY ?? 'true',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
  };

  const { Supervisor } = require('./supervisor');
  supervisor = new Supervisor({
    say,
    onGiveUp: (name) => {
      say(`${name} keeps exiting (its output is above): stopping everything`);
      void shutdown(1);
    },
  });
  const servicesStarted = Date.now();
  say('starting ingestion, catalog and query...');
  const services = [
    ['ingestion', 'dist/apps/ingestion/src/main.js', { ...common, ...github, PORT: String(ports.ingestion) }],
    ['catalog', 'dist/apps/catalog/src/main.js', { ...common, PORT: String(ports.catalog) }],
    ['query', 'dist/apps/query/src/main.js', { ...common, PORT: String(ports.query) }],
  ];
  for (const [name, script, env] of services) {
    supervisor.add(name, () => spawnNode(name, script, env), { healthy: healthy(ports[name]) });
  }
  await step('waiting for the services to answer /health', async () => {
    for (const [name] of services) await waitFor(name, healthy(ports[name]), 120_000);
  });
  took.services = Date.now() - servicesStarted;
  say(`services healthy in ${secs(took.services)}`);

  const entitiesUrl = `http://127.0.0.1:${ports.query}/api/catalog/entities`;
  if (!useRealGithub) {
    const exampleStarted = Date.now();
    const expected = exampleEntityCount();
    const before = await fetch(entitiesUrl).then((r) => r.json()).catch(() => []);
    const kept = Array.isArray(before) ? before.length : 0;
    if (kept > 0) {
      say(`the catalog kept ${kept} entities from an earlier run; the example pushes are re-sent and unchanged entities are not rewritten`);
    }
    supervisor.add('github-stand-in', () =>
      spawnNode('github-stand-in', 'dist/tools/github-stand-in/src/main.js', {
        GITHUB_STAND_IN_PORT: String(ports.standIn),
        GITHUB_TOKEN: github.GITHUB_TOKEN,
        GITHUB_WEBHOOK_SECRET: github.GITHUB_WEBHOOK_SECRET,
        CALLBOARD_WEBHOOK_URL: `http://127.0.0.1:${ports.ingestion}/webhooks/github`,
      }),
    );
    say(`pushing the example organisation "acme" (${expected} entities) through the pipeline...`);
    try {
      const count = await waitFor(
        'example catalog',
        async () => {
          const entities = await fetch(entitiesUrl).then((r) => r.json());
          return Array.isArray(entities) && entities.length >= expected ? entities.length : 0;
        },
        120_000,
      );
      took.example = Date.now() - exampleStarted;
      say(
        kept >= expected
          ? `example organisation "acme": ${count} entities queryable (kept from the earlier run)`
          : `example organisation "acme" ingested: ${count} entities queryable ${secs(took.example)} after the stand-in started`,
      );
    } catch (err) {
      if (err.message === 'stopping') throw err;
      // The services keep running: what arrived is queryable, and the logs above say why the rest did not.
      say(`not all ${expected} example entities were queryable after 120 s; the services keep running (see their output above)`);
    }
  }

  const parts = ['dependencies', 'build', 'engines', 'services', 'example'].filter((k) => took[k] !== undefined).map((k) => `${k} ${secs(took[k])}`);
  say(`ready in ${secs(Date.now() - t0)} (${parts.join(', ')}). Try:`);
  say(`  curl '${entitiesUrl}?filter=kind=component'`);
  say(`  curl http://127.0.0.1:${ports.query}/api/catalog/entities/by-name/component/default/payments-service`);
  say(`  GitHub webhooks go to http://127.0.0.1:${ports.ingestion}/webhooks/github (secret: ${useRealGithub ? 'GITHUB_WEBHOOK_SECRET' : github.GITHUB_WEBHOOK_SECRET})`);
  if (!useRealGithub) {
    say(`  GitHub stand-in: http://127.0.0.1:${ports.standIn}/orgs/acme/repos`);
    say('  edit a file in examples/acme (say, storefront/catalog-info.yaml): the stand-in commits it and sends the push');
  }
  say(`  health: http://127.0.0.1:{${ports.ingestion},${ports.catalog},${ports.query}}/health`);
  say('A service that exits is restarted. Ctrl-C stops everything.');
}

main().catch((err) => {
  if (err.message !== 'stopping') say(`error: ${err.message}`);
  void shutdown(1);
});
