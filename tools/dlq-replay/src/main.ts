import { Logger, LoggerService } from '@nestjs/common';
import { ConfigValidationError } from '@callboard/config';
import { DeadLetterTopicMissingError } from '@callboard/kafka';
import { parseReplayArgs, USAGE, UsageError } from './args';
import { replayDeadLetters } from './replay';
import { formatReport } from './report-format';

// Log lines (kafkajs warnings) go to stderr: stdout carries the report, perhaps as JSON.
const stderrLogger: LoggerService = {
  log: () => undefined,
  warn: (message: unknown, context?: unknown) => process.stderr.write(`warn [${String(context ?? '')}] ${JSON.stringify(message)}\n`),
  error: (message: unknown, context?: unknown) => process.stderr.write(`error [${String(context ?? '')}] ${JSON.stringify(message)}\n`),
};
Logger.overrideLogger(stderrLogger);

// `npm run dlq:replay -- --topic <topic> [--delivery <id>] [--since <iso>] [--dry-run] [--json]`
async function main(): Promise<number> {
  const args = parseReplayArgs(process.argv.slice(2));
  if (args === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const report = await replayDeadLetters({ topic: args.topic, deliveryId: args.deliveryId, since: args.since, dryRun: args.dryRun });
  process.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  return 0;
}

main()
  .then((code) => process.exit(code))
  .catch((err: Error) => {
    const known = err instanceof UsageError || err instanceof ConfigValidationError || err instanceof DeadLetterTopicMissingError;
    process.stderr.write(`dlq replay: ${known ? err.message : (err.stack ?? err.message)}\n${err instanceof UsageError ? `${USAGE}\n` : ''}`);
    process.exit(err instanceof UsageError ? 64 : 1);
  });
