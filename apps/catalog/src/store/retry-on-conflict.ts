import retry from 'async-retry';

/**
 * A conditional write found a document at another revision than it was read at: something
 * else wrote it (a consumer that lost its partition and did not know yet). The work is decided
 * again from what is stored now.
 */
export class ConcurrentWriteError extends Error {
  constructor(
    message: string,
    readonly refs: readonly string[],
  ) {
    super(message);
  }
}

/**
 * Runs work that reads, decides and writes conditionally, again (after a short backoff) when a
 * write found a concurrent change, a bounded number of times; any other error is thrown at once.
 * `beforeRetry` forgets what the failed attempt read.
 */
export function retryOnConflict<T>(work: () => Promise<T>, options: { attempts?: number; beforeRetry?: (err: ConcurrentWriteError) => void } = {}): Promise<T> {
  return retry(
    async (bail) => {
      try {
        return await work();
      } catch (err) {
        if (!(err instanceof ConcurrentWriteError)) {
          bail(err as Error);
          throw err;
        }
        options.beforeRetry?.(err);
        throw err;
      }
    },
    { retries: (options.attempts ?? 5) - 1, minTimeout: 20, maxTimeout: 500, factor: 3 },
  );
}
