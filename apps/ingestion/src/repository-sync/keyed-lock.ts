import { Mutex } from 'async-mutex';

/**
 * Runs work for one key at a time within this process (deliveries, refresh requests and
 * reconciliation can all touch one repository), without holding a lock per key forever.
 */
export class KeyedLock<K> {
  private readonly locks = new Map<K, { mutex: Mutex; users: number }>();

  async run<T>(key: K, work: () => Promise<T>): Promise<T> {
    let entry = this.locks.get(key);
    if (!entry) {
      entry = { mutex: new Mutex(), users: 0 };
      this.locks.set(key, entry);
    }
    entry.users += 1;
    try {
      return await entry.mutex.runExclusive(work);
    } finally {
      entry.users -= 1;
      if (entry.users === 0) this.locks.delete(key);
    }
  }
}
