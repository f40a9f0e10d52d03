import { isTopicName, TopicName, TOPICS } from '@callboard/contracts';

export interface ReplayArgs {
  topic: TopicName;
  deliveryId?: string;
  since?: Date;
  dryRun: boolean;
  json: boolean;
}

export const USAGE = `usage: npm run dlq:replay -- --topic <source topic> [--delivery <id>] [--since <ISO time>] [--dry-run] [--json]

Re-publishes the messages parked in <source topic>.dlq to <source topic>, each as recorded and
checked against the topic's contract. Topics: ${Object.values(TOPICS).join(', ')}.
  --delivery <id>   only letters about this GitHub delivery (X-GitHub-Delivery)
  --since <time>    only letters that failed at or after this ISO 8601 time
  --dry-run         report what would be replayed; publish nothing
  --json            print the report as JSON
Kafka is reached as the services do: KAFKA_BROKERS, KAFKA_TOPIC_PREFIX, KAFKA_CLIENT_ID.`;

export class UsageError extends Error {}

/** Parses the command line (arguments after `--`); a wrong one is a UsageError naming it. */
export function parseReplayArgs(argv: readonly string[]): ReplayArgs | 'help' {
  let topic: string | undefined;
  let deliveryId: string | undefined;
  let since: Date | undefined;
  let dryRun = false;
  let json = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '' || (inline === undefined && v.startsWith('--'))) throw new UsageError(`${name} needs a value`);
      return v;
    };
    switch (name) {
      case '--help':
      case '-h':
        return 'help';
      case '--topic':
        topic = value();
        break;
      case '--delivery':
        deliveryId = value();
        break;
      case '--since': {
        const text = value();
        const time = Date.parse(text);
        if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(time)) throw new UsageError(`--since: not an ISO 8601 time: ${text}`);
        since = new Date(time);
        break;
      }
      case '--dry-run':
        dryRun = true;
        break;
      case '--json':
        json = true;
        break;
      default:
        throw new UsageError(`unknown argument: ${arg}`);
    }
  }
  if (topic === undefined) throw new UsageError('--topic is required');
  // The dead-letter topic's own name is accepted too: it is what an operator sees in the cluster.
  const source = topic.endsWith('.dlq') ? topic.slice(0, -'.dlq'.length) : topic;
  if (!isTopicName(source)) throw new UsageError(`--topic: not a Callboard topic: ${topic} (one of ${Object.values(TOPICS).join(', ')})`);
  return { topic: source, deliveryId, since, dryRun, json };
}
