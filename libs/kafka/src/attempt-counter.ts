/** Where one message sits: the same message retried keeps it, a re-published copy does not. */
export interface MessagePosition {
  topic: string;
  partition: number;
  offset: string;
}

/**
 * Counts failed attempts at processing each message, so that a consumer can give up after a
 * bound instead of letting kafkajs retry it forever. The waiting between attempts stays
 * kafkajs' own backoff (the consumer's `retry` options): this only counts.
 *
 * Kept in memory: a restart or a rebalance starts a message's count again, which can only add
 * attempts, never give up early. Entries leave when the message succeeds or is given up; the
 * cap bounds what partitions moved elsewhere mid-retry leave behind.
 */
export class AttemptCounter {
  private readonly failures = new Map<string, number>();

  constructor(
    readonly maxAttempts: number,
    private readonly cap = 10_000,
  ) {
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError(`maxAttempts must be a positive integer, got ${maxAttempts}`);
  }

  /** Records a failed attempt; true when that was the last one allowed (give up now). */
  failed(position: MessagePosition): { attempts: number; exhausted: boolean } {
    const key = keyOf(position);
    const attempts = (this.failures.get(key) ?? 0) + 1;
    this.failures.delete(key);
    this.failures.set(key, attempts);
    if (this.failures.size > this.cap) this.failures.delete(this.failures.keys().next().value as string);
    const exhausted = attempts >= this.maxAttempts;
    if (exhausted) this.failures.delete(key);
    return { attempts, exhausted };
  }

  succeeded(position: MessagePosition): void {
    this.failures.delete(keyOf(position));
  }

  get tracked(): number {
    return this.failures.size;
  }
}

function keyOf({ topic, partition, offset }: MessagePosition): string {
  return `${topic}\u0000${partition}\u0000${offset}`;
}
