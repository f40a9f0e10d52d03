import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { APP_CONFIG } from '@callboard/config';
import { CoPartitionedAssigner, internalTopicSpecs, KAFKA_CLIENT, KafkaBatchServer, partitionCountOf, provisionTopics, whileClusterSettles } from '@callboard/kafka';
import type { CatalogConfig } from '../catalog.config';
import { CATALOG_TOPICS, CatalogTopics } from '../publishing/catalog-topics';
import { PartitionBatchProcessor } from './partition-batch.processor';

/**
 * The catalog's consumer group: the entity-event topic, the entity-status topic and the
 * catalog's own relations topic, co-partitioned, so the member owning partition n of one owns partition n of the other and is
 * the one writer of every document of the refs keyed there.
 */
@Injectable()
export class EntityEventConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly batches: PartitionBatchProcessor,
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    @Inject(CATALOG_TOPICS) private readonly topics: CatalogTopics,
    @Inject(APP_CONFIG) private readonly config: CatalogConfig,
  ) {}

  onApplicationBootstrap(): Promise<void> {
    return this.provisionRelationsTopic();
  }

  /** The relations topic has as many partitions as the entity-event topic: keys must land on the same partition numbers. */
  async provisionRelationsTopic(): Promise<void> {
    const admin = this.kafka.admin();
    await whileClusterSettles(() => admin.connect());
    let partitions: number | undefined;
    try {
      partitions = await partitionCountOf(admin, this.topics.entityEvents);
      const existing = await partitionCountOf(admin, this.topics.relations);
      if (partitions !== undefined && existing !== undefined && existing !== partitions) {
        throw new Error(`${this.topics.relations} has ${existing} partitions and ${this.topics.entityEvents} ${partitions}: they must be equal (delete the relations topic; the catalog recreates it)`);
      }
      // Ingestion creates the status topic beside the entity-event topic, with the same count; one made otherwise would break the one-writer rule.
      const status = await partitionCountOf(admin, this.topics.entityStatus);
      if (partitions !== undefined && status !== undefined && status !== partitions) {
        throw new Error(`${this.topics.entityStatus} has ${status} partitions and ${this.topics.entityEvents} ${partitions}: they must be equal (recreate ${this.topics.entityStatus} with ${partitions} partitions and resync)`);
      }
    } finally {
      await admin.disconnect();
    }
    await provisionTopics(this.kafka, this.config, internalTopicSpecs(this.topics.relations, partitions ?? this.config.KAFKA_TOPIC_PARTITIONS));
  }

  createServer(): KafkaBatchServer {
    const server: KafkaBatchServer = new KafkaBatchServer(this.config, {
      groupId: this.config.CATALOG_CONSUMER_GROUP,
      clientIdSuffix: 'catalog-consumer',
      topics: [this.topics.entityEvents, this.topics.entityStatus, this.topics.relations],
      partitionAssigner: CoPartitionedAssigner,
      // The topics of a partition number share a lock, so this is how many partition numbers run at once.
      partitionsConsumedConcurrently: 3 * this.config.CATALOG_PARTITIONS_CONCURRENTLY,
      maxBytesPerPartition: this.config.CATALOG_MAX_BATCH_BYTES,
      maxBatchMessages: this.config.CATALOG_MAX_BATCH_MESSAGES,
      stallTimeoutMs: this.config.CATALOG_BATCH_STALL_TIMEOUT_MS,
      handleBatch: async (batch, context) => {
        await this.batches.process(batch, context);
      },
      onAssignment: (_assignment, generation) =>
        this.batches.assigned(generation, () => this.committedOffsets(server.groupId)),
    });
    return server;
  }

  private async committedOffsets(groupId: string): Promise<Array<{ topic: string; partition: number; offset: string }>> {
    const admin = this.kafka.admin();
    await whileClusterSettles(() => admin.connect());
    try {
      const fetched = await whileClusterSettles(() => admin.fetchOffsets({ groupId, topics: [this.topics.entityEvents, this.topics.entityStatus, this.topics.relations] }));
      return fetched.flatMap(({ topic, partitions }) => partitions.map(({ partition, offset }) => ({ topic, partition, offset })));
    } finally {
      await admin.disconnect();
    }
  }
}
