import { Inject, Injectable, Logger } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { decodeContract, deadLetterTopicOf, RefreshRequestV1, refreshRequestV1Schema, TOPICS } from '@callboard/contracts';
import { APP_CONFIG } from '@callboard/config';
import { deadLetterRecord, EventPublisher, KafkaBatchServer, OutgoingRecord, PartitionBatch, PermanentProcessingError, RawMessage, topicName } from '@callboard/kafka';
import { GithubAppNotInstalledError } from '../github/github-client.factory';
import type { IngestionConfig } from '../ingestion.config';
import { RefreshLocationUseCase } from './refresh-location.use-case';

const STAGE = 'ingestion.refresh';

const locationKey = (request: RefreshRequestV1) => `${request.location.type}:${request.location.target}`;

/**
 * Consumes refresh requests (`POST /api/catalog/refresh` in the query service). Requests for one
 * location are coalesced: those of a batch make one read, and a location read less than
 * INGESTION_REFRESH_MIN_INTERVAL_MS ago is not read again (what it has is at most that old), so
 * pressing refresh many times — or many clients doing it — costs GitHub one read.
 */
@Injectable()
export class RefreshRequestConsumer {
  private readonly logger = new Logger(RefreshRequestConsumer.name);
  private readonly deadLetterTopic: string;
  private readonly lastRead = new LRUCache<string, number>({ max: 10_000 });

  constructor(
    private readonly refresh: RefreshLocationUseCase,
    private readonly publisher: EventPublisher,
    @Inject(APP_CONFIG) private readonly config: IngestionConfig,
  ) {
    this.deadLetterTopic = topicName(config, deadLetterTopicOf(TOPICS.refreshRequests));
  }

  createServer(): KafkaBatchServer {
    return new KafkaBatchServer(this.config, {
      groupId: `${this.config.INGESTION_CONSUMER_GROUP}-refresh`,
      clientIdSuffix: 'ingestion-refresh',
      topics: [topicName(this.config, TOPICS.refreshRequests)],
      partitionsConsumedConcurrently: this.config.KAFKA_TOPIC_PARTITIONS,
      handleBatch: (batch) => this.handleBatch(batch),
    });
  }

  private async handleBatch(batch: PartitionBatch): Promise<void> {
    const out: OutgoingRecord[] = [];
    const latest = new Map<string, { message: RawMessage; request: RefreshRequestV1; coalesced: number }>();
    for (const message of batch.messages) {
      const decoded = decodeContract(refreshRequestV1Schema, message.value);
      if (!decoded.ok) {
        out.push(deadLetterRecord(this.deadLetterTopic, { reason: `contract violation: ${decoded.error}`, stage: STAGE, original: this.describe(message) }));
        continue;
      }
      const key = locationKey(decoded.value);
      latest.set(key, { message, request: decoded.value, coalesced: (latest.get(key)?.coalesced ?? -1) + 1 });
    }
    for (const [key, { message, request, coalesced }] of latest) {
      const readAt = this.lastRead.get(key);
      const requestedAt = Date.parse(request.requestedAt);
      if (readAt !== undefined && readAt >= requestedAt - this.config.INGESTION_REFRESH_MIN_INTERVAL_MS) {
        this.logger.log({ msg: 'refresh answered by a recent read of the location', location: key, readAt: new Date(readAt).toISOString(), coalesced: coalesced + 1 });
        continue;
      }
      try {
        await this.refresh.execute(request);
        this.lastRead.set(key, Date.now());
        if (coalesced > 0) this.logger.log({ msg: 'refresh requests coalesced', location: key, requests: coalesced + 1 });
      } catch (caught) {
        const err = caught instanceof GithubAppNotInstalledError ? new PermanentProcessingError(caught.message, { entityRef: request.entityRef }) : caught;
        // Not retried: a refresh is a request for now, and the next push or reconciliation reads the file anyway.
        out.push(
          deadLetterRecord(this.deadLetterTopic, {
            reason: err instanceof Error ? err.message : String(err),
            stage: STAGE,
            deliveryId: `refresh:${request.requestId}`,
            original: this.describe(message),
            ...(err instanceof PermanentProcessingError && err.details ? { details: err.details } : {}),
          }),
        );
      }
    }
    await this.publisher.publishAll(out);
  }

  private describe(message: RawMessage) {
    return { topic: message.topic, partition: message.partition, offset: message.offset, key: message.key, value: message.value ? message.value.toString('utf8') : null };
  }
}
