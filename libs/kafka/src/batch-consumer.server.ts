import { Logger } from '@nestjs/common';
import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import { Semaphore } from 'async-mutex';
import { Consumer, IHeaders, Kafka, KafkaMessage, PartitionAssigner } from 'kafkajs';
import { KafkaSettings, kafkaClientConfig } from './kafka-options';
import { whileClusterSettles } from './topic-provisioner';

const COMMIT_INTERVAL_MS = 1000;

/** One consumed message, undecoded: decoding (and dead-lettering what fails) is the handler's. */
export interface RawMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

/** The messages of one topic-partition that kafkajs fetched together, in offset order. */
export interface PartitionBatch {
  topic: string;
  partition: number;
  messages: RawMessage[];
}

export interface BatchContext {
  /** Tells the group coordinator this member is alive; call it between long steps. */
  heartbeat(): Promise<void>;
}

export interface BatchConsumerOptions {
  /** Without KAFKA_TOPIC_PREFIX (it is added, like the topics'). */
  groupId: string;
  clientIdSuffix: string;
  /** Full topic names. */
  topics: string[];
  /** E.g. CoPartitionedAssigner; kafkajs' round robin otherwise. */
  partitionAssigner?: PartitionAssigner;
  partitionsConsumedConcurrently: number;
  /** Largest fetch per partition: how much one batch can hold (default 1 MiB). */
  maxBytesPerPartition?: number;
  /**
   * Most messages handed to `handleBatch` at once; a larger fetch is handled in slices of this
   * many, each one's offsets resolved when it is done (default: the whole fetch). A slice stays
   * small enough to finish, and be committed, well within the session whatever the fetch held.
   */
  maxBatchMessages?: number;
  /**
   * Most message bytes (values) in one slice: a slice ends before the message that would take it
   * past this, so a slice holds one large message or many small ones, never many large ones
   * (default: no limit). A message larger than this is a slice of its own.
   */
  maxBatchBytes?: number;
  /**
   * Most message bytes in slices being handled at once, over all partitions (default: no limit):
   * a handler decodes what it is given, so this bounds the memory concurrent partitions take
   * together. A slice larger than this waits until it is the only one.
   */
  maxBytesInFlight?: number;
  /** Most bytes fetched at once (kafkajs' maxBytes; default 10 MiB). */
  maxBytes?: number;
  /**
   * A batch not settled after this many ms makes the consumer give up (`onFatal`: the process
   * exits and its supervisor starts it again). The member heartbeats while a batch runs, so a
   * batch that never ends — an engine call never answered — would otherwise hold its partitions,
   * and every batch fetched with it, for good. Default: no limit.
   */
  stallTimeoutMs?: number;
  /**
   * Handles a whole batch. Resolving means every message was handled (written, published): its
   * offsets may then be committed, which kafkajs does at most every COMMIT_INTERVAL_MS (and when
   * the partition is revoked or the consumer stops). Rejecting makes kafkajs fetch the batch
   * again after its backoff, so nothing is committed before it is done.
   */
  handleBatch(batch: PartitionBatch, context: BatchContext): Promise<void>;
  /** Called when this member (re)joined the group, with what it was assigned; before any batch of the new assignment. */
  onAssignment?(assignment: Record<string, number[]>, generation: number): void;
  /** The consumer stopped and kafkajs will not restart it. Default: exit the process (its supervisor restarts it). */
  onFatal?(error: Error): void;
}

function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined || value === null) continue;
    out[name] = Buffer.isBuffer(value) ? value.toString('utf8') : Array.isArray(value) ? value.map(String).join(',') : String(value);
  }
  return out;
}

/** A fetched partition's messages cut into slices of at most `maxMessages` messages and `maxBytes` bytes of values. */
export function slicesOf<M extends { value: Buffer | null }>(messages: readonly M[], maxMessages = Infinity, maxBytes = Infinity): M[][] {
  const slices: M[][] = [];
  let current: M[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = message.value?.length ?? 0;
    if (current.length > 0 && (current.length >= maxMessages || bytes + size > maxBytes)) {
      slices.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) slices.push(current);
  return slices;
}

function rawMessage(topic: string, partition: number, message: KafkaMessage): RawMessage {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key ? message.key.toString('utf8') : null,
    value: message.value,
    headers: headersToStrings(message.headers),
  };
}

/** A batch outlasted `stallTimeoutMs`: the consumer cannot go on. */
export class BatchStalledError extends Error {}

/**
 * A Nest microservice strategy running one kafkajs consumer group with `eachBatch`: the
 * handler gets a partition's messages together (to coalesce, bulk-write and publish at once)
 * and offsets are committed only after it resolved. kafkajs' own retry options (the client's
 * and the consumer's) decide the backoff between attempts at a failing batch; a consumer whose
 * retries ran out restarts and resumes from the committed offsets.
 */
export class KafkaBatchServer extends Server implements CustomTransportStrategy {
  private readonly batchLogger = new Logger(KafkaBatchServer.name);
  private consumer: Consumer | undefined;
  private generation = 0;
  private crashed: string | undefined;
  // Next offset to read per topic-partition whose batches were handled and not committed yet.
  private readonly handled = new Map<string, { topic: string; partition: number; offset: string }>();
  private committer: NodeJS.Timeout | undefined;
  private readonly inFlight: Semaphore | undefined;

  constructor(
    private readonly settings: KafkaSettings,
    private readonly options: BatchConsumerOptions,
  ) {
    super();
    this.options = {
      ...options,
      onFatal:
        options.onFatal ??
        (() => {
          this.batchLogger.fatal({ msg: 'exiting: the consumer cannot go on', groupId: this.groupId });
          setTimeout(() => process.exit(1), 100);
        }),
    };
    if (options.maxBytesInFlight !== undefined) this.inFlight = new Semaphore(options.maxBytesInFlight);
  }

  get groupId(): string {
    return `${this.settings.KAFKA_TOPIC_PREFIX}${this.options.groupId}`;
  }

  async listen(callback: (...optionalParams: unknown[]) => unknown): Promise<void> {
    try {
      await this.start();
      callback();
    } catch (err) {
      callback(err);
    }
  }

  private async start(): Promise<void> {
    const kafka = new Kafka(kafkaClientConfig(this.settings, this.options.clientIdSuffix));
    const heartbeatInterval = Math.max(500, Math.floor(this.settings.KAFKA_CONSUMER_SESSION_TIMEOUT_MS / 6));
    const consumer = kafka.consumer({
      groupId: this.groupId,
      sessionTimeout: this.settings.KAFKA_CONSUMER_SESSION_TIMEOUT_MS,
      heartbeatInterval,
      allowAutoTopicCreation: false,
      maxBytesPerPartition: this.options.maxBytesPerPartition ?? 1024 * 1024,
      ...(this.options.maxBytes !== undefined ? { maxBytes: this.options.maxBytes } : {}),
      // Idle fetches wait this long on the broker; data is returned as soon as it arrives.
      maxWaitTimeInMs: 1000,
      ...(this.options.partitionAssigner ? { partitionAssigners: [this.options.partitionAssigner] } : {}),
      retry: { initialRetryTime: 300, retries: 10, maxRetryTime: 30000, multiplier: 2 },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      // What was handled under the last assignment may not be ours to commit any more.
      this.handled.clear();
      this.generation += 1;
      this.batchLogger.log({ msg: 'joined consumer group', groupId: payload.groupId, assignment: payload.memberAssignment, generation: this.generation });
      this.options.onAssignment?.(payload.memberAssignment, this.generation);
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.batchLogger.error({ msg: payload.restart ? 'consumer crashed; kafkajs restarts it' : 'consumer crashed for good', groupId: payload.groupId, restart: payload.restart, err: payload.error });
      // A service whose consumer stopped must not look healthy while its partitions wait: /health
      // says so, and the process exits so that its supervisor starts it again.
      if (!payload.restart) {
        this.crashed = payload.error.message;
        this.options.onFatal?.(payload.error);
      }
    });
    await whileClusterSettles(() => consumer.connect());
    await whileClusterSettles(() => consumer.subscribe({ topics: this.options.topics, fromBeginning: true }));
    // Offsets of handled batches are committed at most every COMMIT_INTERVAL_MS, not after each
    // batch (kafkajs' autoCommit would send a request per batch): a crash or a rebalance replays
    // at most that much, which every handler absorbs (idempotent writes, deduplicated deliveries).
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        for (const slice of slicesOf(batch.messages, this.options.maxBatchMessages, this.options.maxBatchBytes)) {
          if (!isRunning() || isStale()) return;
          const messages = slice.map((m) => rawMessage(batch.topic, batch.partition, m));
          const handle = () => this.options.handleBatch({ topic: batch.topic, partition: batch.partition, messages }, { heartbeat });
          await this.whileAlive(heartbeatInterval, heartbeat, () => this.withinBytesInFlight(messages, handle));
          const last = messages[messages.length - 1].offset;
          resolveOffset(last);
          this.handled.set(`${batch.topic}\u0000${batch.partition}`, { topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() });
        }
      },
    });
    this.committer = setInterval(() => void this.commitHandled(), COMMIT_INTERVAL_MS);
    this.committer.unref();
  }

  private withinBytesInFlight<T>(messages: RawMessage[], work: () => Promise<T>): Promise<T> {
    if (!this.inFlight) return work();
    const bytes = messages.reduce((n, m) => n + (m.value?.length ?? 0), 0);
    // At least 1 (a semaphore takes no weight 0), at most all of it (more would wait for ever).
    return this.inFlight.runExclusive(work, Math.min(Math.max(bytes, 1), this.options.maxBytesInFlight!));
  }

  /**
   * Runs `work` while telling the coordinator this member is alive: kafkajs heartbeats only
   * between fetches, so a batch that takes longer than the session (a slow disk, a busy machine)
   * would otherwise cost the member its partitions, and the batch, redone by the next owner, would
   * lose them again.
   */
  private async whileAlive<T>(intervalMs: number, heartbeat: () => Promise<void>, work: () => Promise<T>): Promise<T> {
    const timer = setInterval(() => {
      // A rebalance under way answers with an error: the runner rejoins after this batch.
      heartbeat().catch((err: Error) => this.batchLogger.debug({ msg: 'heartbeat during a batch refused', groupId: this.groupId, err: err.message }));
    }, intervalMs);
    let stall: NodeJS.Timeout | undefined;
    const limit = this.options.stallTimeoutMs;
    try {
      if (limit === undefined) return await work();
      return await Promise.race([
        work(),
        new Promise<never>((_, reject) => {
          stall = setTimeout(() => reject(new BatchStalledError(`a batch did not settle within ${limit} ms`)), limit);
        }),
      ]);
    } catch (err) {
      if (err instanceof BatchStalledError) {
        this.batchLogger.fatal({ msg: 'giving up: a batch did not settle', groupId: this.groupId, stallTimeoutMs: limit });
        this.crashed = err.message;
        this.options.onFatal?.(err);
      }
      throw err;
    } finally {
      clearInterval(timer);
      clearTimeout(stall);
    }
  }

  /** Why the consumer stopped for good, if it did. */
  get failure(): string | undefined {
    return this.crashed;
  }

  private async commitHandled(): Promise<void> {
    if (!this.consumer || this.handled.size === 0) return;
    const offsets = [...this.handled.values()];
    this.handled.clear();
    try {
      await this.consumer.commitOffsets(offsets);
    } catch (err) {
      // A partition moved elsewhere meanwhile: its new owner replays from the last commit.
      this.batchLogger.warn({ msg: 'could not commit handled offsets; they are replayed', groupId: this.groupId, err: (err as Error).message });
    }
  }

  async close(): Promise<void> {
    if (this.committer) clearInterval(this.committer);
    await this.commitHandled();
    await this.consumer?.disconnect();
    this.consumer = undefined;
  }

  on(): void {
    // Nothing to subscribe to: the handler is given in the options.
  }

  unwrap<T>(): T {
    if (!this.consumer) throw new Error('the consumer is not running');
    return this.consumer as T;
  }
}
