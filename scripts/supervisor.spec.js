'use strict';
// The dev supervisor with real child processes: a service that exits is started again after a
// growing backoff, said so, and given up on after its bound; stopping ends it for good.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Supervisor } = require('./supervisor');

// A service that exits with code 3 on its first `failures` starts and then stays up.
function flakyService(dir, failures) {
  const counter = path.join(dir, `starts-${Math.random().toString(36).slice(2)}`);
  const script = `
    const fs = require('node:fs');
    const n = fs.existsSync(${JSON.stringify(counter)}) ? Number(fs.readFileSync(${JSON.stringify(counter)}, 'utf8')) : 0;
    fs.writeFileSync(${JSON.stringify(counter)}, String(n + 1));
    if (n < ${failures}) process.exit(3);
    setInterval(() => {}, 1000);
  `;
  const startedAt = [];
  return {
    startedAt,
    start: () => {
      startedAt.push(Date.now());
      return spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
    },
  };
}

const until = async (what, check, timeoutMs = 15_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('Supervisor (scripts/supervisor.js)', () => {
  let dir;
  let supervisor;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callboard-supervisor-'));
  });
  afterEach(async () => {
    await supervisor?.stopAll();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('restarts a service that exits, with a growing backoff, and says so', async () => {
    const lines = [];
    const gaveUp = [];
    supervisor = new Supervisor({ say: (l) => lines.push(l), restarts: 4, minDelayMs: 200, factor: 2, onGiveUp: (n) => gaveUp.push(n) });
    const service = flakyService(dir, 2);
    // Healthy once the start that stays up is running (an earlier poll must not count).
    supervisor.add('ingestion', service.start, { healthy: async () => service.startedAt.length === 3 });

    await until('the third start', () => service.startedAt.length === 3);
    await until('the healthy report', () => lines.some((l) => l.includes('healthy again')));
    const [first, second, third] = service.startedAt;
    // Backoff: 200 ms before the first restart, 400 ms before the second (plus process start-up).
    expect(second - first).toBeGreaterThanOrEqual(200);
    expect(third - second).toBeGreaterThanOrEqual(400);
    expect(lines).toEqual([
      expect.stringMatching(/^ingestion exited \(exit code 3\) after \d+\.\d s; restarting it in 0\.2 s \(restart 1 of at most 4 in a row\)$/),
      expect.stringMatching(/^ingestion restarted \(pid \d+\)$/),
      expect.stringMatching(/^ingestion exited \(exit code 3\) after \d+\.\d s; restarting it in 0\.4 s \(restart 2 of at most 4 in a row\)$/),
      expect.stringMatching(/^ingestion restarted \(pid \d+\)$/),
      expect.stringMatching(/^ingestion is healthy again, \d+\.\d s after it exited$/),
    ]);
    expect(supervisor.child('ingestion').exitCode).toBeNull();
    expect(gaveUp).toEqual([]);
  });

  it('gives up after its bound of restarts in a row, and says so', async () => {
    const lines = [];
    const gaveUp = [];
    supervisor = new Supervisor({ say: (l) => lines.push(l), restarts: 2, minDelayMs: 50, onGiveUp: (name, exit) => gaveUp.push({ name, exit }) });
    const service = flakyService(dir, Infinity);
    supervisor.add('catalog', service.start);

    await until('giving up', () => gaveUp.length === 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(service.startedAt).toHaveLength(3);
    expect(gaveUp).toEqual([{ name: 'catalog', exit: { code: 3, signal: null } }]);
    expect(lines[lines.length - 1]).toMatch(/^catalog exited \(exit code 3\) again after \d+\.\d s: giving up on it after 2 restarts in a row$/);
  });

  it('counts afresh after a service stayed up long enough', async () => {
    const lines = [];
    const gaveUp = [];
    // Each run lasts ~150 ms, longer than stableAfterMs: never "in a row", never given up.
    supervisor = new Supervisor({ say: (l) => lines.push(l), restarts: 1, minDelayMs: 20, stableAfterMs: 100, onGiveUp: (n) => gaveUp.push(n) });
    const startedAt = [];
    supervisor.add('query', () => {
      startedAt.push(Date.now());
      return spawn(process.execPath, ['-e', 'setTimeout(() => process.exit(1), 150)'], { stdio: 'ignore' });
    });
    await until('a fourth start', () => startedAt.length >= 4);
    expect(gaveUp).toEqual([]);
    expect(lines.filter((l) => l.includes('restarting it in 0.0 s (restart 1 of at most 1 in a row)')).length).toBeGreaterThanOrEqual(3);
  });

  it('restarts a killed service and never one it stopped itself', async () => {
    const lines = [];
    supervisor = new Supervisor({ say: (l) => lines.push(l), minDelayMs: 50 });
    const service = flakyService(dir, 0);
    supervisor.add('query', service.start);
    await until('the first start', () => supervisor.child('query')?.pid !== undefined);
    await new Promise((r) => setTimeout(r, 200));
    supervisor.child('query').kill('SIGKILL');
    await until('the restart', () => service.startedAt.length === 2 && supervisor.child('query') !== null);
    expect(lines[0]).toMatch(/^query exited \(killed by SIGKILL\)/);

    const child = supervisor.child('query');
    await supervisor.stopAll();
    expect(child.signalCode).toBe('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    expect(service.startedAt).toHaveLength(2);
    expect(supervisor.child('query')).toBeNull();
  });
});
