import { Logger } from '@nestjs/common';
import { KafkaContext, ServerKafka } from '@nestjs/microservices';
import { Partitioners } from 'kafkajs';
import type { z } from 'zod';
import { deadLetterTopicOf, decodeContract, TopicName } from '@callboard/contracts';
import { AttemptCounter } from './attempt-counter';
import { EventPublisher } from './event-publisher';
import { KafkaSettings, kafkaClientConfig, topicName } from './kafka-options';

/**
 * A failure that retrying cannot fix (bad input found while processing). The message is
 * dead-lettered with the reason and the partition moves on. Any other error is treated as
 * transient: the handler rejects and kafkajs retries the message with its backoff, so the
 * offset is only committed once the work is done (with `maxAttempts`, until that bound).
 */
export class PermanentProcessingError extends Error {
  constructor(
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export interface ConsumedMessage<T> {
  value: T;
  key: string | null;
  topic: string;
  partition: number;
  offset: string;
  headers: Record<string, string>;
}

export interface ContractHandlerOptions<S extends z.ZodType> {
  topic: string;
  deadLetterTopic: string;
  schema: S;
  stage: string;
  publisher: EventPublisher;
  handle: (message: ConsumedMessage<z.infer<S>>) => Promise<void>;
  deliveryIdOf?: (value: z.infer<S>) => string | undefined;
  /**
   * Attempts at a message before a transient failure dead-letters it (with the last error as
   * the reason) and the partition moves on; unset, kafkajs retries it for as long as it fails.
   * Right where an outside system can stay broken for a message (GitHub); wrong where a failure
   * means our own infrastructure is down and every later message would fail too.
   */
  maxAttempts?: number;
}

function headersToStrings(headers: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined || value === null) continue;
    out[name] = Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  }
  return out;
}

function asBuffer(value: unknown): Buffer | null {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) return value;
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
}

function describeError(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

/** What an operator needs to tell a GitHub outage from a refused credential. */
function errorDetails(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return {};
  const status = (err as { status?: unknown }).status;
  return { error: err.name, ...(typeof status === 'number' ? { status } : {}) };
}

/**
 * Registers a handler that validates every message against its contract on consume; an
 * invalid or poison message goes to the dead-letter topic and never blocks its partition.
 */
export function registerContractHandler<S extends z.ZodType>(server: ServerKafka, options: ContractHandlerOptions<S>): void {
  const logger = new Logger(`consumer:${options.stage}`);
  const attempts = options.maxAttempts === undefined ? undefined : new AttemptCounter(options.maxAttempts);
  server.addHandler(
    options.topic,
    async (_data: unknown, context: KafkaContext) => {
      const message = context.getMessage();
      const raw = asBuffer(message.value);
      const key = message.key ? asBuffer(message.key)!.toString('utf8') : null;
      const headers = headersToStrings(message.headers as Record<string, unknown>);
      const original = {
        topic: context.getTopic(),
        partition: context.getPartition(),
        offset: message.offset,
        key,
        value: raw ? raw.toString('utf8') : null,
        ...(Object.keys(headers).length ? { headers } : {}),
      };
      const decoded = decodeContract(options.schema, raw);
      if (!decoded.ok) {
        await options.publisher.publishDeadLetter(options.deadLetterTopic, {
          reason: `contract violation: ${decoded.error}`,
          stage: options.stage,
          original,
        });
        return;
      }
      const deliveryId = options.deliveryIdOf?.(decoded.value);
      try {
        await options.handle({
          value: decoded.value,
          key,
          topic: original.topic,
          partition: original.partition,
          offset: message.offset,
          headers,
        });
        attempts?.succeeded(original);
      } catch (err) {
        if (err instanceof PermanentProcessingError) {
          await options.publisher.publishDeadLetter(options.deadLetterTopic, {
            reason: err.message,
            stage: options.stage,
            deliveryId,
            original,
            details: err.details,
          });
          return;
        }
        const attempt = attempts?.failed(original);
        if (attempt?.exhausted) {
          await options.publisher.publishDeadLetter(options.deadLetterTopic, {
            reason: `gave up after ${attempt.attempts} attempts: ${describeError(err)}`,
            stage: options.stage,
            deliveryId,
            original,
            details: { attempts: attempt.attempts, ...errorDetails(err) },
          });
          return;
        }
        logger.error({ msg: 'processing failed; kafkajs will retry', err, deliveryId, offset: message.offset, attempt: attempt?.attempts, maxAttempts: options.maxAttempts });
        throw err;
      }
    },
    true,
  );
}

/**
 * A Nest microservice strategy consuming with kafkajs as one consumer group. Offsets are
 * committed by kafkajs only for messages whose handler resolved: after the write.
 */
export function createKafkaConsumerServer(settings: KafkaSettings, groupId: string, clientIdSuffix: string): ServerKafka {
  return new ServerKafka({
    client: kafkaClientConfig(settings, clientIdSuffix),
    consumer: {
      // Prefixed like the topics, so deployments (and test runs) sharing a cluster never share a group.
      groupId: `${settings.KAFKA_TOPIC_PREFIX}${groupId}`,
      sessionTimeout: settings.KAFKA_CONSUMER_SESSION_TIMEOUT_MS,
      heartbeatInterval: 3000,
      allowAutoTopicCreation: false,
      retry: { initialRetryTime: 300, retries: 10, maxRetryTime: 30000, multiplier: 2 },
    },
    // Nest also opens a producer for replies; we send none, but it should partition like ours.
    producer: { createPartitioner: Partitioners.DefaultPartitioner },
    subscribe: { fromBeginning: true },
    run: { autoCommit: true, partitionsConsumedConcurrently: 3 },
    // Keep the raw bytes: decoding is ours, so a non-JSON poison message reaches the dead-letter path.
    parser: { keepBinary: true },
    postfixId: '',
  });
}

/**
 * One consumer group on one topic, validating each message against the topic's contract and
 * dead-lettering to the topic's `.dlq` companion: what every Callboard consumer is.
 */
export function contractConsumerServer<S extends z.ZodType>(
  settings: KafkaSettings,
  publisher: EventPublisher,
  options: {
    groupId: string;
    clientIdSuffix: string;
    topic: TopicName;
    schema: S;
    stage: string;
    handle: ContractHandlerOptions<S>['handle'];
    deliveryIdOf?: ContractHandlerOptions<S>['deliveryIdOf'];
    maxAttempts?: number;
  },
): ServerKafka {
  const server = createKafkaConsumerServer(settings, options.groupId, options.clientIdSuffix);
  registerContractHandler(server, {
    topic: topicName(settings, options.topic),
    deadLetterTopic: topicName(settings, deadLetterTopicOf(options.topic)),
    schema: options.schema,
    stage: options.stage,
    publisher,
    handle: options.handle,
    deliveryIdOf: options.deliveryIdOf,
    maxAttempts: options.maxAttempts,
  });
  return server;
}
