import { PeriodicTask } from './periodic-task';

describe('PeriodicTask', () => {
  it('joins a run going instead of starting a second one, and runs again once it finished', async () => {
    let release!: () => void;
    let runs = 0;
    const task = new PeriodicTask(async (label: string) => {
      runs += 1;
      await new Promise<void>((resolve) => (release = resolve));
      return `${label} ${runs}`;
    });
    const first = task.runNow('a');
    const joined = task.runNow('b');
    release();
    expect(await first).toBe('a 1');
    expect(await joined).toBe('a 1');
    const second = task.runNow('c');
    release();
    expect(await second).toBe('c 2');
  });

  it('runs on its interval with the given arguments, and stop waits for the run going', async () => {
    jest.useFakeTimers();
    try {
      const seen: number[] = [];
      let finished = false;
      const task = new PeriodicTask(async (n: number) => {
        seen.push(n);
        await Promise.resolve();
        finished = true;
      });
      task.schedule(1000, 7);
      await jest.advanceTimersByTimeAsync(2500);
      expect(seen).toEqual([7, 7]);
      await task.stop();
      expect(finished).toBe(true);
      await jest.advanceTimersByTimeAsync(5000);
      expect(seen).toEqual([7, 7]);
      new PeriodicTask(async () => seen.push(0)).schedule(0);
      await jest.advanceTimersByTimeAsync(5000);
      expect(seen).toEqual([7, 7]);
    } finally {
      jest.useRealTimers();
    }
  });
});
