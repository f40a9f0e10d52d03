import { Injectable } from '@nestjs/common';
import { Mutex } from 'async-mutex';

/**
 * Serialises all projection writes of this catalog instance. Stitching writes other
 * entities' documents, so events on different partitions contend for the same documents, and
 * FerretDB 1.24 (SQLite) does not apply a conditional update atomically: measured here, 50
 * concurrent `updateOne({ _id, revision: 0 })` calls had 5 winners, and 200 concurrent `$inc`s
 * counted 13. One writer at a time keeps the optimistic-concurrency checks meaningful on it;
 * on MongoDB they also hold across replicas.
 */
@Injectable()
export class ProjectionWriteLock {
  private readonly mutex = new Mutex();

  run<T>(work: () => Promise<T>): Promise<T> {
    return this.mutex.runExclusive(work);
  }
}
