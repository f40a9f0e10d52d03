import { DynamicModule, Inject, Injectable, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { Kafka } from 'kafkajs';
import { TopicName } from '@callboard/contracts';
import { APP_CONFIG } from '@callboard/config';
import { EventPublisher } from './event-publisher';
import { KafkaSettings, kafkaClientConfig } from './kafka-options';
import { ensureTopics } from './topic-provisioner';

export const KAFKA_CLIENT = Symbol('KAFKA_CLIENT');
const KAFKA_MODULE_OPTIONS = Symbol('KAFKA_MODULE_OPTIONS');

export interface KafkaModuleOptions {
  /** Distinguishes this service's connections in broker logs. */
  clientIdSuffix: string;
  /** Topics (with their dead-letter companions) created at boot when missing. */
  topics: readonly TopicName[];
}

/** Connects the shared producer and provisions topics at boot; disconnects last at shutdown. */
@Injectable()
class KafkaLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    @Inject(APP_CONFIG) private readonly settings: KafkaSettings,
    @Inject(KAFKA_MODULE_OPTIONS) private readonly options: KafkaModuleOptions,
    private readonly publisher: EventPublisher,
  ) {}

  async onModuleInit(): Promise<void> {
    await ensureTopics(this.kafka, this.settings, this.options.topics);
    await this.publisher.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.publisher.disconnect();
  }
}

/** Health: the broker answers a metadata request. */
@Injectable()
export class KafkaHealthIndicator {
  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    private readonly publisher: EventPublisher,
    private readonly health: HealthIndicatorService,
  ) {}

  async check(key = 'kafka'): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(key);
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      return indicator.up({ brokers: cluster.brokers.length, producer: this.publisher.isConnected ? 'connected' : 'disconnected' });
    } catch (err) {
      return indicator.down({ message: (err as Error).message });
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}

@Module({})
export class KafkaModule {
  static forRoot(options: KafkaModuleOptions): DynamicModule {
    return {
      module: KafkaModule,
      // One producer per service, for every feature module.
      global: true,
      imports: [TerminusModule],
      providers: [
        { provide: KAFKA_MODULE_OPTIONS, useValue: options },
        {
          provide: KAFKA_CLIENT,
          inject: [APP_CONFIG],
          useFactory: (settings: KafkaSettings) => new Kafka(kafkaClientConfig(settings, options.clientIdSuffix)),
        },
        { provide: EventPublisher, inject: [KAFKA_CLIENT], useFactory: (kafka: Kafka) => new EventPublisher(kafka) },
        KafkaLifecycle,
        KafkaHealthIndicator,
      ],
      exports: [KAFKA_CLIENT, EventPublisher, KafkaHealthIndicator],
    };
  }
}
