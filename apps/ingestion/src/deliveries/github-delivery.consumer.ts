import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Semaphore } from 'async-mutex';
import { Kafka } from 'kafkajs';
import { createTimeout } from 'retry';
import { decodeContract, deadLetterTopicOf, GithubDeliveryV1, githubDeliveryV1Schema, TOPICS } from '@callboard/contracts';
import { APP_CONFIG } from '@callboard/config';
import {
  deadLetterRecord,
  EventPublisher,
  internalTopicSpecs,
  KAFKA_CLIENT,
  KafkaBatchServer,
  OutgoingRecord,
  PartitionBatch,
  PermanentProcessingError,
  provisionTopics,
  RawMessage,
  TOPIC_MAX_MESSAGE_BYTES,
  topicName,
} from '@callboard/kafka';
import { GithubAppNotInstalledError, withoutInlineRetries } from '../github/github-client.factory';
import type { IngestionConfig } from '../ingestion.config';
import { NoteFailedDeliveryUseCase } from '../repairs/note-failed-delivery.use-case';
import { DispatchDeliveryUseCase } from './dispatch-delivery.use-case';
import { ProcessDeliveryOnceUseCase } from './process-delivery-once.use-case';

/** Headers of a delivery waiting in the retry topic. */
const ATTEMPT_HEADER = 'callboard-attempt';
const RETRY_AT_HEADER = 'callboard-retry-at';
const STAGE = 'ingestion.delivery';
// Days: the retry topic holds what is waiting for a few seconds, at most minutes.
const RETRY_RETENTION_MS = 2 * 24 * 60 * 60 * 1000;
const MIB = 1024 * 1024;
// A delivery may be 25 MiB, and decoded it takes several times that. A slice holds one large
// delivery or many small ones, and the slices of all partitions handled at once hold at most
// about one large delivery besides small ones: the consumer's memory does not grow with how many
// large deliveries arrive together. A retry waiting its backoff holds its share meanwhile (it is
// in memory): a large delivery may wait up to INGESTION_RETRY_MAX_DELAY_MS behind a large retry,
// small ones go on.
const SLICE_BYTES = 4 * MIB;
const BYTES_IN_FLIGHT = 32 * MIB;

/** The deliveries topic's companion holding failed deliveries until their next attempt is due. */
export function deliveryRetryTopicOf(deliveriesTopic: string): string {
  return `${deliveriesTopic}.retry`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A consumed delivery as a dead letter records it: always as a message of the deliveries topic
 * (a retry's position in the retry topic says nothing a replay needs), without the retry's own
 * headers, so a replay starts it afresh.
 */
function describe(message: RawMessage, deliveriesTopic: string) {
  const { [ATTEMPT_HEADER]: _attempt, [RETRY_AT_HEADER]: _retryAt, ...headers } = message.headers;
  const retried = message.topic !== deliveriesTopic;
  return {
    topic: deliveriesTopic,
    ...(retried ? {} : { partition: message.partition, offset: message.offset }),
    key: message.key,
    value: message.value ? message.value.toString('utf8') : null,
    ...(Object.keys(headers).length ? { headers } : {}),
  };
}

/** What an operator needs to tell a GitHub outage from a refused credential. */
function errorDetails(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return {};
  const status = (err as { status?: unknown }).status;
  return { error: err.name, ...(typeof status === 'number' ? { status } : {}) };
}

/**
 * Consumes recorded deliveries in batches: deliveries about different repositories (or
 * organisations, installations: the message key) are processed at the same time, up to
 * INGESTION_CONCURRENCY, each key's in offset order. A delivery that fails for a reason that may
 * pass (a GitHub server error: not retried inline, see withoutInlineRetries) is moved to the retry
 * topic, due after a backoff, so it holds up nothing behind it; after INGESTION_DELIVERY_MAX_ATTEMPTS it is parked in
 * the dead-letter topic. One that cannot succeed (a payload without what it needs, an App not
 * installed, a repository GitHub answers 404 for) is parked at once. Either way the state it was about is noted for repair.
 */
@Injectable()
export class GithubDeliveryConsumer implements OnApplicationBootstrap {
  private readonly logger = new Logger(GithubDeliveryConsumer.name);
  private readonly slots: Semaphore;
  private readonly topic: string;
  private readonly retryTopic: string;
  private readonly deadLetterTopic: string;

  constructor(
    private readonly dispatch: DispatchDeliveryUseCase,
    private readonly processOnce: ProcessDeliveryOnceUseCase,
    private readonly noteFailed: NoteFailedDeliveryUseCase,
    private readonly publisher: EventPublisher,
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    @Inject(APP_CONFIG) private readonly config: IngestionConfig,
  ) {
    this.slots = new Semaphore(config.INGESTION_CONCURRENCY);
    this.topic = topicName(config, TOPICS.githubDeliveries);
    this.retryTopic = deliveryRetryTopicOf(this.topic);
    this.deadLetterTopic = topicName(config, deadLetterTopicOf(TOPICS.githubDeliveries));
  }

  async onApplicationBootstrap(): Promise<void> {
    const [retry] = internalTopicSpecs(this.retryTopic, this.config.KAFKA_TOPIC_PARTITIONS, RETRY_RETENTION_MS);
    await provisionTopics(this.kafka, this.config, [retry]);
  }

  createServer(): KafkaBatchServer {
    return new KafkaBatchServer(this.config, {
      groupId: this.config.INGESTION_CONSUMER_GROUP,
      clientIdSuffix: 'ingestion-consumer',
      topics: [this.topic, this.retryTopic],
      partitionsConsumedConcurrently: Math.max(2, this.config.KAFKA_TOPIC_PARTITIONS * 2),
      // A partition whose next delivery is large is fetched whole like any other (the broker
      // otherwise hands out a record above the per-partition size only to the first partition
      // of a fetch); a fetch holds at most about one such record.
      maxBytesPerPartition: TOPIC_MAX_MESSAGE_BYTES,
      maxBytes: TOPIC_MAX_MESSAGE_BYTES,
      maxBatchBytes: SLICE_BYTES,
      maxBytesInFlight: BYTES_IN_FLIGHT,
      handleBatch: (batch, context) => this.handleBatch(batch, context.heartbeat),
    });
  }

  private async handleBatch(batch: PartitionBatch, heartbeat: () => Promise<void>): Promise<void> {
    const out: OutgoingRecord[] = [];
    const byKey = new Map<string, Array<{ message: RawMessage; delivery: GithubDeliveryV1 }>>();
    for (const message of batch.messages) {
      const decoded = decodeContract(githubDeliveryV1Schema, message.value);
      if (!decoded.ok) {
        out.push(deadLetterRecord(this.deadLetterTopic, { reason: `contract violation: ${decoded.error}`, stage: STAGE, original: describe(message, this.topic) }));
        continue;
      }
      const key = message.key ?? `delivery:${decoded.value.deliveryId}`;
      byKey.set(key, [...(byKey.get(key) ?? []), { message, delivery: decoded.value }]);
    }
    await Promise.all(
      [...byKey.values()].map(async (deliveries) => {
        for (const { message, delivery } of deliveries) {
          // A retry waits until it is due (each key on its own: others go on meanwhile).
          if (batch.topic === this.retryTopic) await this.untilDue(message, heartbeat);
          out.push(...(await this.slots.runExclusive(() => this.processOne(message, delivery))));
        }
      }),
    );
    await this.publisher.publishAll(out);
  }

  private async untilDue(message: RawMessage, heartbeat: () => Promise<void>): Promise<void> {
    const due = Number(message.headers[RETRY_AT_HEADER] ?? 0);
    for (let wait = due - Date.now(); wait > 0; wait = due - Date.now()) {
      await sleep(Math.min(wait, 1000));
      await heartbeat();
    }
  }

  /** Processes one delivery; returns what to publish for it (a retry or a dead letter) if it failed. */
  private async processOne(message: RawMessage, delivery: GithubDeliveryV1): Promise<OutgoingRecord[]> {
    const attempt = Number(message.headers[ATTEMPT_HEADER] ?? 0) + 1;
    try {
      // Its retries are this consumer's (the retry topic), not held inline in the partition.
      await this.processOnce.execute(delivery, () => withoutInlineRetries(() => this.dispatch.execute(delivery)));
      return [];
    } catch (caught) {
      const err = caught instanceof GithubAppNotInstalledError ? new PermanentProcessingError(caught.message) : caught;
      if (err instanceof PermanentProcessingError) {
        return [deadLetterRecord(this.deadLetterTopic, { reason: err.message, stage: STAGE, deliveryId: delivery.deliveryId, original: describe(message, this.topic), details: err.details })];
      }
      // Retried, perhaps parked; either way its state is read again once GitHub answers.
      await this.noteFailed.execute(delivery, err);
      const reason = err instanceof Error ? err.message || err.name : String(err);
      if (attempt >= this.config.INGESTION_DELIVERY_MAX_ATTEMPTS) {
        return [
          deadLetterRecord(this.deadLetterTopic, {
            reason: `gave up after ${attempt} attempts: ${reason}`,
            stage: STAGE,
            deliveryId: delivery.deliveryId,
            original: describe(message, this.topic),
            details: { attempts: attempt, ...errorDetails(err) },
          }),
        ];
      }
      const delay = createTimeout(attempt - 1, { minTimeout: this.config.INGESTION_RETRY_MIN_DELAY_MS, maxTimeout: this.config.INGESTION_RETRY_MAX_DELAY_MS, factor: 2, randomize: true });
      this.logger.warn({ msg: 'delivery failed; retried later', deliveryId: delivery.deliveryId, event: delivery.event, attempt, maxAttempts: this.config.INGESTION_DELIVERY_MAX_ATTEMPTS, retryInMs: Math.round(delay), error: reason, ...errorDetails(err) });
      const headers = { ...message.headers, [ATTEMPT_HEADER]: String(attempt), [RETRY_AT_HEADER]: String(Date.now() + Math.round(delay)) };
      return [{ topic: this.retryTopic, schema: githubDeliveryV1Schema, key: message.key ?? `delivery:${delivery.deliveryId}`, value: delivery, headers }];
    }
  }
}
