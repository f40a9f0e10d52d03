'use strict';
// FerretDB 1.x (MongoDB wire protocol, SQLite backend) built from the Go module proxy.

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const V = require('./versions');
const U = require('./util');
const { applyPatches } = require('./ferretdb-patches');

const DOWNLOAD_TIMEOUT_MS = 15 * 60 * 1000;
const BUILD_TIMEOUT_MS = 30 * 60 * 1000;

function isProvisioned(cache) {
  return fs.existsSync(cache.ferretdb.marker) && fs.existsSync(cache.ferretdb.bin);
}

function requireGo(env) {
  return U.requireTool('go', 'install Go 1.24+ (https://go.dev/doc/install) or set MONGODB_URI to use an existing MongoDB', env);
}

/** Fail fast, before any download or start, when a needed tool is missing. */
function preflight(cache, env = process.env) {
  if (!isProvisioned(cache)) requireGo(env);
}

function goEnv(cache, env) {
  return {
    ...env,
    GOMODCACHE: cache.go.modcache,
    GOCACHE: cache.go.cache,
    GOPATH: cache.go.path,
    // An older local Go may fetch the toolchain FerretDB's go.mod asks for (go1.24.x) as a
    // module through the same proxy; a newer one builds it as is.
    GOTOOLCHAIN: env.GOTOOLCHAIN || 'auto',
    GOFLAGS: '-modcacherw -buildvcs=false', // writable (deletable) module cache; no VCS stamping
    GOWORK: 'off',
    GO111MODULE: 'on',
    CGO_ENABLED: '0',
  };
}

/**
 * Build <cache>/ferretdb-<version>/bin/ferretdb.
 *
 * `go install .../cmd/ferretdb@v1.24.2` (or via a wrapper module and `go get -tool`) gives a
 * binary that panics at start: FerretDB's build/version package requires a generated
 * build/version/version.txt when the main module is FerretDB itself, which is what Go
 * records for both routes. So: download the module, copy its source, write version.txt,
 * and `go build ./cmd/ferretdb` inside the copy (FerretDB's own go.mod/go.sum pin the deps).
 */
async function provision(cache, env = process.env) {
  if (isProvisioned(cache)) return { cached: true, dir: cache.ferretdb.dir };
  const release = await U.acquireLock(cache.ferretdb.lock, { what: `the FerretDB ${V.FERRETDB_VERSION} build lock` });
  const t0 = Date.now();
  const base = path.basename(cache.ferretdb.dir);
  const tmp = path.join(cache.root, `${base}.tmp-${process.pid}-${crypto.randomBytes(3).toString('hex')}`);
  const log = cache.ferretdb.log;
  try {
    if (isProvisioned(cache)) return { cached: true, dir: cache.ferretdb.dir };
    const go = requireGo(env);
    const genv = goEnv(cache, env);
    U.sweepTempDirs(cache.root, base);
    fs.mkdirSync(tmp, { recursive: true });
    fs.mkdirSync(cache.logs, { recursive: true });
    fs.writeFileSync(log, `FerretDB ${V.FERRETDB_VERSION} from the Go module proxy\n`);

    const fail = (what, res, timeoutMs) => {
      const why = res.timedOut ? `timed out after ${U.secs(timeoutMs)}` : `exit ${res.code ?? res.signal}`;
      return new U.StackError(`FerretDB ${what} failed (${why}): ${U.pickErrorLine(res.tail)}; full output in ${U.rel(log)}`);
    };

    const mod = `${V.FERRETDB_MODULE}@${V.FERRETDB_VERSION}`;
    const dl = await U.run(go, ['mod', 'download', '-json', mod], { cwd: tmp, env: genv, timeoutMs: DOWNLOAD_TIMEOUT_MS, logFile: log });
    let info = null;
    try {
      info = JSON.parse(dl.stdout);
    } catch {
      /* reported below */
    }
    if (dl.code !== 0 || !info || info.Error || !info.Dir) {
      if (info && info.Error) dl.tail.push(info.Error);
      throw fail(`download of ${mod}`, dl, DOWNLOAD_TIMEOUT_MS);
    }

    const src = path.join(tmp, 'src');
    fs.cpSync(info.Dir, src, { recursive: true });
    U.makeTreeWritable(src);
    fs.writeFileSync(path.join(src, 'build', 'version', 'version.txt'), `${V.FERRETDB_VERSION}\n`);
    let patches;
    try {
      patches = applyPatches(src);
    } catch (err) {
      throw new U.StackError(err.message);
    }
    fs.appendFileSync(log, `applied patches: ${patches.join(', ')}\n`);

    const bin = path.join(tmp, 'bin', 'ferretdb');
    const build = await U.run(go, ['build', '-trimpath', '-o', bin, './cmd/ferretdb'], {
      cwd: src,
      env: genv,
      timeoutMs: BUILD_TIMEOUT_MS,
      logFile: log,
    });
    if (build.code !== 0) throw fail('build', build, BUILD_TIMEOUT_MS);

    const ver = await U.run(bin, ['--version'], { env, timeoutMs: 30000, logFile: log });
    if (ver.code !== 0 || !ver.stdout.includes(`version: ${V.FERRETDB_VERSION}`)) {
      throw new U.StackError(`FerretDB built but \`ferretdb --version\` fails: ${U.pickErrorLine(ver.tail)}; see ${U.rel(log)}`);
    }
    U.rmrf(src);
    // The compiled-package cache (~350 MB) only helps a rebuild of this same version, which the
    // marker makes unnecessary; the module cache (downloads) is kept for version bumps.
    U.rmrf(cache.go.cache);
    fs.writeFileSync(
      path.join(tmp, '.complete'),
      JSON.stringify({ ferretdb: V.FERRETDB_VERSION, patches, built: new Date().toISOString(), version: ver.stdout.trim().split('\n') }, null, 2),
    );
    U.rmrf(cache.ferretdb.dir);
    fs.renameSync(tmp, cache.ferretdb.dir);
    return { cached: false, dir: cache.ferretdb.dir, ms: Date.now() - t0 };
  } finally {
    if (fs.existsSync(tmp)) {
      try {
        U.makeTreeWritable(tmp);
      } catch {
        /* ignore */
      }
      U.rmrf(tmp);
    }
    release();
  }
}

function ownerNeedles(state) {
  return ['ferretdb', `--state-dir=${state.ferretdb.state}`];
}

/**
 * SQLite's `synchronous` for the local engine: `normal` (default) syncs the WAL at checkpoints,
 * not at every commit, which about doubles write throughput; commits survive a crash of FerretDB
 * (or of anything else), and only a power loss or OS crash may roll back the last ones. `full`
 * syncs every commit. CALLBOARD_FERRETDB_SYNCHRONOUS chooses.
 */
function synchronous(env) {
  const value = (env.CALLBOARD_FERRETDB_SYNCHRONOUS || 'normal').toLowerCase();
  if (!['normal', 'full'].includes(value)) throw new U.StackError(`CALLBOARD_FERRETDB_SYNCHRONOUS must be normal or full (got "${env.CALLBOARD_FERRETDB_SYNCHRONOUS}")`);
  return value;
}

function logLevel(env) {
  return (env.CALLBOARD_FERRETDB_LOG_LEVEL || 'warn').toLowerCase();
}

async function start({ cache, state, ports, fresh, env = process.env }) {
  if (fresh) U.rmrf(state.ferretdb.dir);
  fs.mkdirSync(state.ferretdb.data, { recursive: true });
  fs.mkdirSync(state.ferretdb.state, { recursive: true });
  if (fs.existsSync(state.ferretdb.log)) fs.renameSync(state.ferretdb.log, `${state.ferretdb.log}.1`);
  const out = fs.openSync(state.ferretdb.log, 'a');
  fs.writeSync(out, `=== ferretdb ${V.FERRETDB_VERSION} starting ${new Date().toISOString()} ===\n`);
  const child = spawn(
    cache.ferretdb.bin,
    [
      '--handler=sqlite',
      `--sqlite-url=file:${state.ferretdb.data}/?_pragma=synchronous(${synchronous(env)})`,
      `--listen-addr=127.0.0.1:${ports.mongodb}`,
      `--state-dir=${state.ferretdb.state}`,
      '--telemetry=disable',
      '--debug-addr=-',
      `--log-level=${logLevel(env)}`,
    ],
    { cwd: state.ferretdb.dir, env, detached: true, stdio: ['ignore', out, out] },
  );
  fs.closeSync(out);
  await new Promise((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (e) => reject(new U.StackError(`could not start ferretdb: ${e.message}`)));
  });
  child.unref();
  return { pid: child.pid, child };
}

function mongoDriver() {
  try {
    return require('mongodb');
  } catch {
    return require('mongoose').mongo;
  }
}

/** Real client call: MongoDB driver `ping`. Throws on failure. */
async function check(uri, { timeoutMs = 5000, direct = false } = {}) {
  const { MongoClient } = mongoDriver();
  const client = new MongoClient(uri, {
    serverSelectionTimeoutMS: Math.min(timeoutMs, 3000),
    connectTimeoutMS: 1500,
    ...(direct ? { directConnection: true } : {}),
  });
  try {
    return await U.withTimeout(
      (async () => {
        await client.connect();
        return client.db('admin').command({ ping: 1 });
      })(),
      timeoutMs,
      `no answer from ${uri} within ${U.secs(timeoutMs)}`,
    );
  } finally {
    await U.withTimeout(client.close(), 2000).catch(() => {});
  }
}

module.exports = { name: 'ferretdb', isProvisioned, preflight, provision, start, check, ownerNeedles };
