import { Kafka } from 'kafkajs';
import { z } from 'zod';
import { kafkaEnv, parseEnv } from '@callboard/config';
import { DeadLetterReplayer, EventPublisher, kafkaClientConfig, ReplayReport, ReplayRequest } from '@callboard/kafka';

const replayConfigSchema = z.object({ ...kafkaEnv });

/** Replays dead letters with the Kafka settings of `env` (the services' own variables). */
export async function replayDeadLetters(request: ReplayRequest, env: Record<string, string | undefined> = process.env): Promise<ReplayReport> {
  const settings = parseEnv(replayConfigSchema, env);
  const kafka = new Kafka(kafkaClientConfig(settings, 'dlq-replay'));
  const publisher = new EventPublisher(kafka);
  if (!request.dryRun) await publisher.connect();
  try {
    return await new DeadLetterReplayer(kafka, settings, publisher).replay(request);
  } finally {
    await publisher.disconnect();
  }
}
