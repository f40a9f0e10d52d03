'use strict';
// Small process, file, port and lock helpers for the local stack. No dependencies.

const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { spawn } = require('node:child_process');

/** An error whose message is meant for a human: the CLI prints only this line. */
class StackError extends Error {
  constructor(message) {
    super(String(message).replace(/\s*\n\s*/g, ' ').trim());
    this.name = 'StackError';
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Short path for messages: relative to the cwd when inside it, else absolute. */
function rel(p) {
  const r = path.relative(process.cwd(), p);
  return r && !r.startsWith('..') && !path.isAbsolute(r) ? r : p;
}

function secs(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Reject with `message` if `promise` takes longer than `ms`. */
function withTimeout(promise, ms, message) {
  let t;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      t = setTimeout(() => reject(new Error(message || `timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(t));
}

/** Find an executable on PATH (like `which`); null when missing. */
function which(cmd, env = process.env) {
  if (cmd.includes('/')) return isExecutable(cmd) ? cmd : null;
  for (const dir of (env.PATH || '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, cmd);
    if (isExecutable(p)) return p;
  }
  return null;
}

function isExecutable(p) {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Like which(), but throws a StackError with an install hint. */
function requireTool(cmd, hint, env = process.env) {
  const p = which(cmd, env);
  if (!p) throw new StackError(`${cmd} not found on PATH: ${hint}`);
  return p;
}

// ---------------------------------------------------------------- processes

function isAlive(pid) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    return e.code === 'EPERM';
  }
  // A zombie still answers kill(0); treat it as dead.
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z' || state === 'X') return false;
  } catch {
    /* no /proc (not Linux) or the process just went away */
  }
  return true;
}

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** Command line of a process as one string, or null when unknown (no /proc). */
function cmdline(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return null;
  }
}

/**
 * True when `pid` is alive and (where /proc exists) its command line contains every
 * string in `needles`: protects against killing an unrelated process that reused a pid.
 */
function isOurProcess(pid, needles) {
  if (!isAlive(pid)) return false;
  const cl = cmdline(pid);
  if (cl === null) return !fs.existsSync('/proc/self'); // no /proc: trust the pid
  return needles.every((n) => cl.includes(n));
}

/** SIGTERM the process group, wait, SIGKILL after `graceMs`. Resolves when the group is gone. */
async function killGroup(pgid, { graceMs = 30000, killWaitMs = 10000 } = {}) {
  const signalGroup = (sig) => {
    try {
      process.kill(-pgid, sig);
    } catch (e) {
      if (e.code !== 'ESRCH') {
        try {
          process.kill(pgid, sig);
        } catch {
          /* gone */
        }
      }
    }
  };
  const gone = () => !groupAlive(pgid) && !isAlive(pgid);
  if (gone()) return { killed: false };
  signalGroup('SIGTERM');
  const t0 = Date.now();
  while (Date.now() - t0 < graceMs) {
    if (gone()) return { killed: false };
    await sleep(100);
  }
  signalGroup('SIGKILL');
  const t1 = Date.now();
  while (Date.now() - t1 < killWaitMs) {
    if (gone()) return { killed: true };
    await sleep(100);
  }
  throw new StackError(`process group ${pgid} survived SIGKILL for ${secs(killWaitMs)}`);
}

const activeChildren = new Set();

/** Kill every tool process group run() still has running (used by the CLI on Ctrl-C). */
function killActiveChildren() {
  for (const pgid of activeChildren) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  activeChildren.clear();
}

/**
 * Run a tool to completion in its own process group with a hard timeout.
 * Output (stdout+stderr) is appended to `logFile` when given; stdout is also returned.
 * Never rejects for a non-zero exit: the caller decides; rejects only when spawning fails.
 */
function run(cmd, args, { cwd, env, timeoutMs, logFile } = {}) {
  return new Promise((resolve, reject) => {
    let logFd = null;
    if (logFile) {
      fs.mkdirSync(path.dirname(logFile), { recursive: true });
      logFd = fs.openSync(logFile, 'a');
      fs.writeSync(logFd, `\n$ ${[cmd, ...args].join(' ')}\n  (cwd ${cwd || process.cwd()}, ${new Date().toISOString()})\n`);
    }
    let child;
    try {
      child = spawn(cmd, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      if (logFd !== null) fs.closeSync(logFd);
      reject(e);
      return;
    }
    if (child.pid) activeChildren.add(child.pid);
    let stdout = '';
    let all = '';
    const onData = (isOut) => (buf) => {
      const s = buf.toString();
      if (isOut && stdout.length < 1 << 20) stdout += s;
      all = (all + s).slice(-64 * 1024);
      if (logFd !== null) fs.writeSync(logFd, s);
    };
    child.stdout.on('data', onData(true));
    child.stderr.on('data', onData(false));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, timeoutMs || 10 * 60 * 1000);
    child.on('error', (e) => {
      clearTimeout(timer);
      activeChildren.delete(child.pid);
      if (logFd !== null) fs.closeSync(logFd);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      activeChildren.delete(child.pid);
      if (logFd !== null) {
        fs.writeSync(logFd, `\n[exit ${code === null ? signal : code}${timedOut ? ', killed after timeout' : ''}]\n`);
        fs.closeSync(logFd);
      }
      resolve({ code, signal, timedOut, stdout, tail: lastLines(all, 20) });
    });
  });
}

/** Last `n` non-empty lines of a text, without ANSI colour codes. */
function lastLines(text, n) {
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/\x1b\[[0-9;]*m/g, '')
    .split(/\r?\n/)
    .map((l) => l.trimEnd())
    .filter((l) => l.trim())
    .slice(-n);
}

/** The most telling line of a failed tool's output (an error line if any, else the last). */
function pickErrorLine(lines) {
  const err = [...lines].reverse().find((l) => /error|fail|exception|cannot|could not|panic/i.test(l));
  const line = (err || lines[lines.length - 1] || '').trim();
  return line.length > 220 ? `${line.slice(0, 217)}...` : line;
}

function tailFile(file, n = 20) {
  try {
    const fd = fs.openSync(file, 'r');
    const size = fs.fstatSync(fd).size;
    const len = Math.min(size, 64 * 1024);
    const buf = Buffer.alloc(len);
    fs.readSync(fd, buf, 0, len, size - len);
    fs.closeSync(fd);
    return lastLines(buf.toString(), n);
  } catch {
    return [];
  }
}

// ---------------------------------------------------------------- ports

/** True when something accepts TCP connections on host:port. */
function canConnect(port, host = '127.0.0.1', timeoutMs = 1000) {
  return new Promise((resolve) => {
    const s = net.connect({ port, host });
    const done = (v) => {
      s.destroy();
      resolve(v);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** True when we could bind host:port right now (nothing else holds it). */
function canBind(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

async function isPortFree(port, host = '127.0.0.1') {
  if (await canConnect(port, host, 500)) return false;
  return canBind(port, host);
}

/** Best effort (Linux /proc): "pid N (command)" of the process listening on a TCP port. */
function describeListener(port) {
  try {
    const inodes = new Set();
    for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
      let text;
      try {
        text = fs.readFileSync(f, 'utf8');
      } catch {
        continue;
      }
      for (const line of text.split('\n').slice(1)) {
        const cols = line.trim().split(/\s+/);
        if (cols.length < 10 || cols[3] !== '0A') continue; // 0A = LISTEN
        const p = parseInt(cols[1].split(':')[1], 16);
        if (p === port) inodes.add(cols[9]);
      }
    }
    if (!inodes.size) return null;
    for (const d of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      let fds;
      try {
        fds = fs.readdirSync(`/proc/${d}/fd`);
      } catch {
        continue;
      }
      for (const fd of fds) {
        let target;
        try {
          target = fs.readlinkSync(`/proc/${d}/fd/${fd}`);
        } catch {
          continue;
        }
        const m = /^socket:\[(\d+)\]$/.exec(target);
        if (m && inodes.has(m[1])) {
          const cl = (cmdline(Number(d)) || '?').slice(0, 80);
          return `pid ${d}: ${cl}`;
        }
      }
    }
  } catch {
    /* best effort */
  }
  return null;
}

// ---------------------------------------------------------------- files

function readText(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function readJson(file) {
  const t = readText(file);
  if (t === null) return null;
  try {
    return JSON.parse(t);
  } catch {
    return null;
  }
}

/** Write via a temp file + rename so readers never see a half-written file. */
function writeFileAtomic(file, content) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}

function rmrf(p) {
  fs.rmSync(p, { recursive: true, force: true, maxRetries: 3 });
}

/** Make every folder under `dir` writable by its owner (Go's module cache is read-only). */
function makeTreeWritable(dir) {
  const st = fs.lstatSync(dir);
  if (st.isSymbolicLink()) return;
  fs.chmodSync(dir, st.mode | 0o200);
  if (st.isDirectory()) {
    for (const e of fs.readdirSync(dir)) makeTreeWritable(path.join(dir, e));
  }
}

/** Remove leftovers `<base>.tmp-<pid>-*` of interrupted provisioning runs whose pid is dead. */
function sweepTempDirs(parent, base) {
  let entries = [];
  try {
    entries = fs.readdirSync(parent);
  } catch {
    return;
  }
  for (const e of entries) {
    const m = new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.tmp-(\\d+)-`).exec(e);
    if (m && !isAlive(Number(m[1]))) {
      const p = path.join(parent, e);
      try {
        makeTreeWritable(p);
      } catch {
        /* ignore */
      }
      rmrf(p);
    }
  }
}

// ---------------------------------------------------------------- lock

const heldLocks = new Set();
process.on('exit', () => {
  for (const f of heldLocks) {
    try {
      const l = readJson(f);
      if (l && l.pid === process.pid) fs.unlinkSync(f);
    } catch {
      /* ignore */
    }
  }
});

/**
 * Exclusive lock file (O_CREAT|O_EXCL). A lock whose owner pid is dead is stale and taken over.
 * Waits up to `timeoutMs`, then throws a StackError naming the holder and the file.
 * Returns a release function.
 */
async function acquireLock(file, { timeoutMs = 15 * 60 * 1000, what = 'lock' } = {}) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const t0 = Date.now();
  const mine = JSON.stringify({ pid: process.pid, since: new Date().toISOString(), what });
  for (;;) {
    try {
      const fd = fs.openSync(file, 'wx');
      fs.writeSync(fd, mine);
      fs.closeSync(fd);
      heldLocks.add(file);
      return () => {
        heldLocks.delete(file);
        if (readText(file) === mine) fs.rmSync(file, { force: true });
      };
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
    const text = readText(file);
    let holder = null;
    try {
      holder = JSON.parse(text);
    } catch {
      /* being written, or garbage */
    }
    let stale = false;
    if (holder && Number.isInteger(holder.pid)) {
      stale = !isAlive(holder.pid);
    } else if (text !== null) {
      // Unparseable: stale if it has been that way for a few seconds.
      try {
        stale = Date.now() - fs.statSync(file).mtimeMs > 5000;
      } catch {
        /* vanished */
      }
    }
    if (stale && readText(file) === text) {
      fs.rmSync(file, { force: true });
      continue;
    }
    if (Date.now() - t0 > timeoutMs) {
      throw new StackError(
        `timed out after ${secs(timeoutMs)} waiting for ${what} held by pid ${holder ? holder.pid : '?'}; ` +
          `if no other stack command is running, delete ${rel(file)}`,
      );
    }
    await sleep(200);
  }
}

module.exports = {
  StackError,
  sleep,
  rel,
  secs,
  withTimeout,
  which,
  requireTool,
  isAlive,
  groupAlive,
  cmdline,
  isOurProcess,
  killGroup,
  killActiveChildren,
  run,
  lastLines,
  pickErrorLine,
  tailFile,
  canConnect,
  isPortFree,
  describeListener,
  readText,
  readJson,
  writeFileAtomic,
  rmrf,
  makeTreeWritable,
  sweepTempDirs,
  acquireLock,
};
