import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { EventPublisher, KAFKA_CLIENT } from '@callboard/kafka';

/**
 * The producer that records accepted deliveries, apart from the one the delivery consumer
 * publishes entity events with: a webhook's answer waits only for its own record (kafkajs'
 * idempotent producer sends one request at a time), not behind a large batch of entity events.
 */
@Injectable()
export class DeliveryRecorder extends EventPublisher implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(KAFKA_CLIENT) kafka: Kafka) {
    super(kafka);
  }

  onModuleInit(): Promise<void> {
    return this.connect();
  }

  onApplicationShutdown(): Promise<void> {
    return this.disconnect();
  }
}
