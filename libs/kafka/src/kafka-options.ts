import { Logger } from '@nestjs/common';
import { KafkaConfig, logLevel, LogEntry } from 'kafkajs';

/** The subset of service configuration the Kafka plumbing needs. */
export interface KafkaSettings {
  KAFKA_BROKERS: string[];
  KAFKA_CLIENT_ID: string;
  KAFKA_TOPIC_PREFIX: string;
  KAFKA_TOPIC_PARTITIONS: number;
  KAFKA_REPLICATION_FACTOR: number;
  KAFKA_CONSUMER_SESSION_TIMEOUT_MS: number;
}

const levelNames: Record<number, 'error' | 'warn' | 'log' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'log',
  [logLevel.DEBUG]: 'debug',
};

/** Routes kafkajs' own logging into the service logger instead of stdout. */
function kafkaLogCreator() {
  const logger = new Logger('kafkajs');
  return ({ level, log }: LogEntry) => {
    const { message, ...extra } = log;
    const method = levelNames[level] ?? 'log';
    logger[method]({ msg: message, ...extra });
  };
}

/**
 * Client options shared by producers, consumers and admin. Reconnection and request retries
 * are kafkajs' own exponential backoff, configured here rather than re-implemented.
 */
export function kafkaClientConfig(settings: KafkaSettings, clientIdSuffix: string): KafkaConfig {
  return {
    clientId: `${settings.KAFKA_CLIENT_ID}-${clientIdSuffix}`,
    brokers: settings.KAFKA_BROKERS,
    connectionTimeout: 3000,
    requestTimeout: 30000,
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator,
    // A capped backoff keeps start-up snappy while a restarted broker is still loading its
    // coordinators, and bounds how long a webhook waits before it is answered 503.
    retry: { initialRetryTime: 200, retries: 10, maxRetryTime: 3000, multiplier: 2 },
  };
}

export function topicName(settings: Pick<KafkaSettings, 'KAFKA_TOPIC_PREFIX'>, topic: string): string {
  return `${settings.KAFKA_TOPIC_PREFIX}${topic}`;
}
