'use strict';
// Keeps `npm run dev`'s services running: a service that exits without being asked to is
// started again after a backoff (the `retry` package's timeouts), and the supervisor says so.
// The restarts are bounded: after `restarts` crashes in a row it gives up on that service
// and calls `onGiveUp`. A service that stayed up for `stableAfterMs` before it exited has
// its count started afresh, so one crash a day is never a reason to give up.
const retry = require('retry');

const DEFAULTS = {
  restarts: 5,
  minDelayMs: 1000,
  maxDelayMs: 30_000,
  factor: 2,
  stableAfterMs: 60_000,
  stopTimeoutMs: 30_000,
  healthTimeoutMs: 120_000,
  healthIntervalMs: 500,
};

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

function describeExit(code, signal) {
  return signal ? `killed by ${signal}` : `exit code ${code}`;
}

class Supervisor {
  /**
   * @param {object} options
   * @param {(line: string) => void} options.say  where the supervisor reports
   * @param {(name: string, exit: { code: number | null, signal: string | null }) => void} [options.onGiveUp]
   * @param {number} [options.restarts]       restarts in a row before giving up
   * @param {number} [options.minDelayMs]     first backoff
   * @param {number} [options.maxDelayMs]     longest backoff
   * @param {number} [options.factor]         backoff growth per restart
   * @param {number} [options.stableAfterMs]  up this long: the next exit counts as the first
   * @param {number} [options.stopTimeoutMs]  SIGTERM, then SIGKILL after this long
   */
  constructor(options) {
    this.options = { ...DEFAULTS, ...options };
    // One backoff schedule for every service: its length is the bound on restarts in a row.
    this.delays = retry.timeouts({
      retries: this.options.restarts,
      minTimeout: this.options.minDelayMs,
      maxTimeout: this.options.maxDelayMs,
      factor: this.options.factor,
    });
    this.services = new Map();
    this.stopping = false;
  }

  /**
   * Starts a service and keeps it running.
   * @param {string} name
   * @param {() => import('node:child_process').ChildProcess} start  spawns the service once
   * @param {{ healthy?: () => Promise<boolean> }} [extra]  after a restart, polled until true
   */
  add(name, start, extra = {}) {
    if (this.services.has(name)) throw new Error(`${name} is supervised already`);
    const service = { name, start, healthy: extra.healthy, child: null, startedAt: 0, crashes: 0, timer: null, gaveUp: false, starts: 0 };
    this.services.set(name, service);
    this.launch(service);
    return service;
  }

  launch(service) {
    service.timer = null;
    service.startedAt = Date.now();
    service.starts += 1;
    const child = service.start();
    service.child = child;
    child.once('error', (error) => this.say(`${service.name} could not be started: ${error.message}`));
    child.once('exit', (code, signal) => this.exited(service, child, code, signal));
  }

  exited(service, child, code, signal) {
    if (service.child !== child) return;
    service.child = null;
    if (this.stopping) return;
    const upFor = Date.now() - service.startedAt;
    if (upFor >= this.options.stableAfterMs) service.crashes = 0;
    if (service.crashes >= this.delays.length) {
      service.gaveUp = true;
      this.say(
        `${service.name} exited (${describeExit(code, signal)}) again after ${seconds(upFor)}: giving up on it after ${this.delays.length} restarts in a row`,
      );
      if (this.options.onGiveUp) this.options.onGiveUp(service.name, { code, signal });
      return;
    }
    const delay = this.delays[service.crashes];
    service.crashes += 1;
    this.say(
      `${service.name} exited (${describeExit(code, signal)}) after ${seconds(upFor)}; restarting it in ${seconds(delay)} (restart ${service.crashes} of at most ${this.delays.length} in a row)`,
    );
    const exitedAt = Date.now();
    service.timer = setTimeout(() => {
      if (this.stopping) return;
      this.launch(service);
      this.say(`${service.name} restarted (pid ${service.child.pid})`);
      if (service.healthy) void this.reportHealthy(service, service.child, exitedAt);
    }, delay);
  }

  async reportHealthy(service, child, exitedAt) {
    const deadline = Date.now() + this.options.healthTimeoutMs;
    while (!this.stopping && service.child === child && Date.now() < deadline) {
      try {
        if (await service.healthy()) {
          if (service.child === child && !this.stopping) this.say(`${service.name} is healthy again, ${seconds(Date.now() - exitedAt)} after it exited`);
          return;
        }
      } catch {
        // not answering yet
      }
      await new Promise((resolve) => setTimeout(resolve, this.options.healthIntervalMs));
    }
  }

  say(line) {
    this.options.say(line);
  }

  /** Running child of a service, if any. */
  child(name) {
    return this.services.get(name)?.child ?? null;
  }

  /** Stops every service (SIGTERM, SIGKILL after stopTimeoutMs); none is restarted afterwards. */
  async stopAll() {
    this.stopping = true;
    await Promise.all(
      [...this.services.values()].map((service) => {
        if (service.timer) clearTimeout(service.timer);
        const child = service.child;
        if (!child || child.exitCode !== null || child.signalCode !== null) return undefined;
        return new Promise((resolve) => {
          const timer = setTimeout(() => child.kill('SIGKILL'), this.options.stopTimeoutMs);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        });
      }),
    );
  }
}

module.exports = { Supervisor, DEFAULTS };
