/**
 * Background work run every so often, never twice at once: a run still going when the next is
 * due (or asked for) is joined, not doubled, and stopping waits for it, so a service shuts down
 * after its last write rather than during it. The work handles its own errors.
 */
export class PeriodicTask<A extends unknown[], T> {
  private timer?: NodeJS.Timeout;
  private running?: Promise<T>;

  constructor(private readonly work: (...args: A) => Promise<T>) {}

  /** Runs now, or joins the run going. */
  runNow(...args: A): Promise<T> {
    this.running ??= this.work(...args).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Every `intervalMs` from now on (0: never), with `args`; the timer keeps no process alive. */
  schedule(intervalMs: number, ...args: A): void {
    if (intervalMs <= 0) return;
    this.timer = setInterval(() => void this.runNow(...args), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
