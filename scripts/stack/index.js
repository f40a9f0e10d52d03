'use strict';
// Callboard local stack: a real Kafka (KRaft) and a MongoDB-wire server (FerretDB) per profile.
//
//   const stack = require('./scripts/stack');
//   const { kafkaBrokers, mongodbUri } = await stack.up({ profile: 'test' });
//   ...
//   await stack.down({ profile: 'test' });
//
// See README.md beside this file.

const fs = require('node:fs');
const V = require('./versions');
const U = require('./util');
const kafka = require('./kafka');
const ferretdb = require('./ferretdb');

const PROFILES = {
  dev: { kafka: 9092, controller: 9093, mongodb: 27017, fresh: false },
  test: { kafka: 19092, controller: 19093, mongodb: 37017, fresh: true },
};

const PORT_VARS = {
  kafka: 'CALLBOARD_KAFKA_PORT',
  controller: 'CALLBOARD_KAFKA_CONTROLLER_PORT',
  mongodb: 'CALLBOARD_MONGODB_PORT',
};

const DEFAULT_READY_TIMEOUT_MS = 90 * 1000;
const EXTERNAL_READY_TIMEOUT_MS = 20 * 1000;
const UP_LOCK_TIMEOUT_MS = 45 * 60 * 1000; // a cold provision may hold it for minutes
const DOWN_LOCK_TIMEOUT_MS = 5 * 60 * 1000;

function parsePort(env, name, fallback) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const s = String(raw).trim();
  const n = Number(s);
  if (!/^\d+$/.test(s) || !Number.isInteger(n) || n < 1 || n > 65535) {
    throw new U.StackError(`${name} must be an integer from 1 to 65535 (got "${raw}")`);
  }
  return n;
}

/** Everything a command needs to know about a profile, from defaults + env. */
function resolveConfig({ profile = 'dev', env = process.env } = {}) {
  const p = PROFILES[profile];
  if (!p) throw new U.StackError(`unknown profile "${profile}" (use one of: ${Object.keys(PROFILES).join(', ')})`);
  const ports = {
    kafka: parsePort(env, PORT_VARS.kafka, p.kafka),
    controller: parsePort(env, PORT_VARS.controller, p.controller),
    mongodb: parsePort(env, PORT_VARS.mongodb, p.mongodb),
  };
  const seen = new Map();
  for (const [k, v] of Object.entries(ports)) {
    if (seen.has(v)) throw new U.StackError(`${PORT_VARS[seen.get(v)]} and ${PORT_VARS[k]} are both ${v}: each port must differ`);
    seen.set(v, k);
  }
  const ext = (name) => (env[name] && env[name].trim()) || null;
  return {
    profile,
    fresh: p.fresh,
    ports,
    env,
    cache: V.cacheLayout(env),
    state: V.stateLayout(profile, env),
    external: { kafka: ext('KAFKA_BROKERS'), mongodb: ext('MONGODB_URI') },
  };
}

// The two engines, behind one shape.
const ENGINES = {
  kafka: {
    key: 'kafka',
    label: 'Kafka',
    impl: kafka,
    product: `Kafka ${V.KAFKA_VERSION}`,
    externalVar: 'KAFKA_BROKERS',
    portKeys: ['kafka', 'controller'],
    files: (cfg) => cfg.state.kafka,
    address: (ports) => `127.0.0.1:${ports.kafka}`,
    check: (address, o) => kafka.check(address, o),
  },
  mongodb: {
    key: 'mongodb',
    label: 'FerretDB',
    impl: ferretdb,
    product: `FerretDB ${V.FERRETDB_VERSION}`,
    externalVar: 'MONGODB_URI',
    portKeys: ['mongodb'],
    files: (cfg) => cfg.state.ferretdb,
    address: (ports) => `mongodb://127.0.0.1:${ports.mongodb}/`,
    check: (address, o) => ferretdb.check(address, { ...o, direct: true }),
  },
};

/** What this profile's pid file says about an engine: { pid, running, address, meta }. */
function inspect(cfg, engine) {
  const files = engine.files(cfg);
  const pid = parseInt(U.readText(files.pid) || '', 10);
  const meta = U.readJson(files.meta);
  const running = Number.isInteger(pid) && U.isOurProcess(pid, engine.impl.ownerNeedles(cfg.state));
  return {
    pid: Number.isInteger(pid) ? pid : null,
    running,
    address: running && meta && meta.address ? meta.address : engine.address(cfg.ports),
    meta,
    files,
  };
}

function clearPidFiles(files) {
  fs.rmSync(files.pid, { force: true });
  fs.rmSync(files.meta, { force: true });
}

async function tryCheck(engine, address, timeoutMs = 5000) {
  try {
    await engine.check(address, { timeoutMs });
    return { ok: true };
  } catch (e) {
    return { ok: false, error: e.message };
  }
}

/** Poll a real client call until it works; fail early if the process dies. */
async function waitReady(engine, address, { pid, child, timeoutMs, log }) {
  const t0 = Date.now();
  let exited = null;
  if (child) child.once('exit', (code, signal) => (exited = { code, signal }));
  let last = 'no attempt';
  for (;;) {
    if (exited || (pid && !U.isAlive(pid))) {
      const how = exited ? (exited.code !== null ? `exit code ${exited.code}` : exited.signal) : 'process gone';
      const line = log ? U.pickErrorLine(U.tailFile(log, 30)) : '';
      throw new U.StackError(
        `${engine.label} exited during startup (${how})${line ? `: ${line}` : ''}${log ? `; see ${U.rel(log)}` : ''}`,
      );
    }
    const left = timeoutMs - (Date.now() - t0);
    if (left <= 0) {
      throw new U.StackError(
        `${engine.label} did not become ready at ${address} within ${U.secs(timeoutMs)} (${last})${log ? `; see ${U.rel(log)}` : ''}`,
      );
    }
    const r = await tryCheck(engine, address, Math.max(500, Math.min(5000, left)));
    if (r.ok) return Date.now() - t0;
    last = r.error;
    await U.sleep(Math.min(300, Math.max(0, timeoutMs - (Date.now() - t0))));
  }
}

async function checkPortsFree(cfg, engine) {
  for (const k of engine.portKeys) {
    const port = cfg.ports[k];
    if (!(await U.isPortFree(port))) {
      const who = U.describeListener(port);
      throw new U.StackError(
        `port ${port} (${PORT_VARS[k]}) is already in use${who ? ` by ${who}` : ''}, which is not the ${cfg.profile} profile's ${engine.label}; ` +
          `stop it, choose another port with ${PORT_VARS[k]}, or set ${engine.externalVar} to use a server you run yourself`,
      );
    }
  }
}

/** Like Promise.all, but waits for every promise before rejecting with the first error. */
async function settleAll(promises) {
  const rs = await Promise.allSettled(promises);
  const bad = rs.filter((r) => r.status === 'rejected').map((r) => r.reason);
  if (bad.length === 1) throw bad[0];
  if (bad.length > 1) throw new U.StackError(bad.map((e) => (e && e.message) || String(e)).join(' -- and: '));
  return rs.map((r) => r.value);
}

function provisionEngine(engine, cfg) {
  return engine.impl.provision(cfg.cache, cfg.env);
}

/**
 * Start (if needed) this profile's engines and wait until both answer real client calls.
 * @returns {Promise<{kafkaBrokers: string, mongodbUri: string, started: {kafka: boolean, mongodb: boolean},
 *   external: {kafka: boolean, mongodb: boolean}, profile: string, readyMs: {kafka: number, mongodb: number}}>}
 */
async function up({ profile = 'dev', env = process.env, readyTimeoutMs = DEFAULT_READY_TIMEOUT_MS } = {}) {
  const cfg = resolveConfig({ profile, env });
  const result = {
    profile,
    kafkaBrokers: cfg.external.kafka || ENGINES.kafka.address(cfg.ports),
    mongodbUri: cfg.external.mongodb || ENGINES.mongodb.address(cfg.ports),
    started: { kafka: false, mongodb: false },
    external: { kafka: !!cfg.external.kafka, mongodb: !!cfg.external.mongodb },
    readyMs: { kafka: 0, mongodb: 0 },
  };

  // External engines: only check that they answer.
  await settleAll(
    Object.values(ENGINES)
      .filter((e) => cfg.external[e.key])
      .map(async (e) => {
        const address = cfg.external[e.key];
        try {
          result.readyMs[e.key] = await waitReady(e, address, { timeoutMs: Math.min(readyTimeoutMs, EXTERNAL_READY_TIMEOUT_MS) });
        } catch (err) {
          throw new U.StackError(`${e.externalVar}=${address} is set but not reachable: ${err.message}`);
        }
      }),
  );

  const local = Object.values(ENGINES).filter((e) => !cfg.external[e.key]);
  if (!local.length) return result;

  const release = await U.acquireLock(cfg.state.lock, { what: `the ${profile} stack lock`, timeoutMs: UP_LOCK_TIMEOUT_MS });
  const startedNow = [];
  try {
    const toStart = [];
    for (const e of local) {
      const s = inspect(cfg, e);
      const wanted = e.address(cfg.ports);
      if (s.running) {
        if (s.address !== wanted) {
          throw new U.StackError(
            `the ${profile} profile's ${e.label} is already running at ${s.address} (pid ${s.pid}) but ${wanted} was asked for; ` +
              `run "npm run stack -- down --profile ${profile}" first`,
          );
        }
        const t0 = Date.now();
        const r = await tryCheck(e, wanted);
        if (!r.ok) {
          // Perhaps still starting (another process started it); give it the normal timeout.
          await waitReady(e, wanted, { pid: s.pid, timeoutMs: readyTimeoutMs, log: s.files.log });
        }
        result.readyMs[e.key] = Date.now() - t0;
      } else {
        if (s.pid) clearPidFiles(s.files);
        toStart.push(e);
      }
    }
    if (!toStart.length) return result;

    for (const e of toStart) e.impl.preflight(cfg.cache, env);
    for (const e of toStart) await checkPortsFree(cfg, e);
    await settleAll(toStart.map((e) => provisionEngine(e, cfg)));

    const fresh = cfg.fresh;
    await settleAll(
      toStart.map(async (e) => {
        const files = e.files(cfg);
        const t0 = Date.now();
        const { pid, child } = await e.impl.start({ cache: cfg.cache, state: cfg.state, ports: cfg.ports, fresh, env });
        startedNow.push({ e, pid });
        const address = e.address(cfg.ports);
        U.writeFileAtomic(
          files.meta,
          `${JSON.stringify({ pid, address, ports: cfg.ports, product: e.product, startedAt: new Date().toISOString() }, null, 2)}\n`,
        );
        U.writeFileAtomic(files.pid, `${pid}\n`);
        await waitReady(e, address, { pid, child, timeoutMs: readyTimeoutMs, log: files.log });
        result.started[e.key] = true;
        result.readyMs[e.key] = Date.now() - t0;
      }),
    );
    return result;
  } catch (err) {
    // Leave nothing half-started behind: stop what this call started.
    await Promise.all(
      startedNow.map(async ({ e, pid }) => {
        await U.killGroup(pid, { graceMs: 10000 }).catch(() => {});
        clearPidFiles(e.files(cfg));
      }),
    );
    throw err;
  } finally {
    release();
  }
}

/** Stop what this profile started (SIGTERM to the process group, SIGKILL after a timeout). Idempotent. */
async function down({ profile = 'dev', env = process.env, graceMs = 30000 } = {}) {
  const cfg = resolveConfig({ profile, env });
  const release = await U.acquireLock(cfg.state.lock, { what: `the ${profile} stack lock`, timeoutMs: DOWN_LOCK_TIMEOUT_MS });
  try {
    const out = {};
    await settleAll(
      Object.values(ENGINES).map(async (e) => {
        const s = inspect(cfg, e);
        const t0 = Date.now();
        if (s.running) {
          const { killed } = await U.killGroup(s.pid, { graceMs });
          out[e.key] = { stopped: true, pid: s.pid, killed, ms: Date.now() - t0 };
        } else {
          out[e.key] = { stopped: false, pid: null };
        }
        clearPidFiles(s.files);
      }),
    );
    return out;
  } finally {
    release();
  }
}

/** Per engine: running (our pid alive), ready (client call works), address. */
async function status({ profile = 'dev', env = process.env } = {}) {
  const cfg = resolveConfig({ profile, env });
  const out = { profile };
  await Promise.all(
    Object.values(ENGINES).map(async (e) => {
      if (cfg.external[e.key]) {
        const r = await tryCheck(e, cfg.external[e.key]);
        out[e.key] = { external: true, running: null, ready: r.ok, address: cfg.external[e.key], pid: null, error: r.error };
        return;
      }
      const s = inspect(cfg, e);
      const r = s.running ? await tryCheck(e, s.address) : { ok: false };
      out[e.key] = {
        external: false,
        running: s.running,
        ready: r.ok,
        address: s.address,
        pid: s.running ? s.pid : null,
        log: s.files.log,
        error: r.error,
      };
    }),
  );
  return out;
}

/** Download/build only (no start); used to warm caches. Skips engines given as external by env. */
async function provision({ env = process.env } = {}) {
  const cfg = resolveConfig({ profile: 'dev', env: { ...env, CALLBOARD_KAFKA_PORT: '', CALLBOARD_KAFKA_CONTROLLER_PORT: '', CALLBOARD_MONGODB_PORT: '' } });
  const out = {};
  for (const e of Object.values(ENGINES)) {
    if (!cfg.external[e.key]) e.impl.preflight(cfg.cache, cfg.env, { starting: false });
  }
  await settleAll(
    Object.values(ENGINES).map(async (e) => {
      if (cfg.external[e.key]) {
        out[e.key] = { skipped: `${e.externalVar} is set` };
        return;
      }
      out[e.key] = { product: e.product, ...(await provisionEngine(e, cfg)) };
    }),
  );
  return out;
}

module.exports = { up, down, status, provision, resolveConfig, PROFILES, versions: V };
