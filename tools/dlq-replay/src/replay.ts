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

/** The report as an operator reads it: one line per letter, then the totals. */
export function formatReport(report: ReplayReport): string {
  const lines: string[] = [];
  const verb = report.dryRun ? 'would replay' : 'replayed';
  for (const letter of report.replayed) {
    lines.push(`${verb} ${report.deadLetterTopic}/${letter.partition}/${letter.offset}${letter.deliveryId ? ` delivery ${letter.deliveryId}` : ''} key ${letter.key ?? '(none)'} (failed ${letter.failedAt}: ${letter.reason})`);
  }
  for (const letter of report.skipped) {
    lines.push(`skipped ${report.deadLetterTopic}/${letter.partition}/${letter.offset}${letter.deliveryId ? ` delivery ${letter.deliveryId}` : ''}: ${letter.why}`);
  }
  lines.push(
    `${report.dryRun ? 'dry run: ' : ''}${report.replayed.length} ${verb} to ${report.sourceTopic}, ${report.skipped.length} skipped, ${report.read - report.replayed.length - report.skipped.length} not selected, of ${report.read} dead letters`,
  );
  return `${lines.join('\n')}\n`;
}
