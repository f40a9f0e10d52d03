/**
 * `npm run chaos:takeover`: how long the partitions of a SIGKILLed catalog instance stall while
 * another instance is running (docs/reliability.md). Two catalog processes (dist/) in one
 * consumer group on `--partitions` (6); each round SIGKILLs one, at once sends an update of every
 * entity (`--entities`, 60, spread over every partition) and times until each is published to the
 * served-entity topic: the survivor's own partitions go on at once, the dead one's wait until the
 * group drops it (`KAFKA_CONSUMER_SESSION_TIMEOUT_MS`, the service default unless
 * `--session-timeout-ms`) and hands them over. The killed instance is started again before the
 * next round, and the next kill waits until it has joined the group. Engines of its own, as `npm run chaos` (--kafka-port 39092, --kafka-controller-port
 * 39093, --mongodb-port 57017; state under <cache>/chaos/state-<kafka port>).
 */
import path from 'node:path';
import { loadavg } from 'node:os';
import { TOPICS } from '@callboard/contracts';
import { numberArgument } from '../../benchmarks/support/arguments';
import { componentEntity, upsertEvent } from '../factories/entity-events';
import { EntityEventWriter } from '../support/entity-event-writer';
import { repoRoot, ServiceProcess, spawnService } from '../support/process-harness';
import { eventually } from '../support/service-harness';
import { TopicProbe } from '../support/topic-probe';
import { ChaosStack } from './chaos-stack';

const log = (line: string) => console.log(`[takeover ${new Date().toISOString().slice(11, 19)}] ${line}`);
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const cache = path.resolve(repoRoot, process.env.CALLBOARD_CACHE_DIR || '.callboard/cache');
  const kafkaPort = numberArgument('kafka-port', Number(process.env.CALLBOARD_CHAOS_KAFKA_PORT || 39092));
  const stack = new ChaosStack({
    stateDir: path.join(cache, 'chaos', `state-${kafkaPort}`),
    kafkaPort,
    kafkaControllerPort: numberArgument('kafka-controller-port', Number(process.env.CALLBOARD_CHAOS_KAFKA_CONTROLLER_PORT || 39093)),
    mongodbPort: numberArgument('mongodb-port', Number(process.env.CALLBOARD_CHAOS_MONGODB_PORT || 57017)),
  });
  const rounds = numberArgument('rounds', 5);
  const entities = numberArgument('entities', 60);
  const sessionTimeout = numberArgument('session-timeout-ms', 0);
  await stack.up();
  const run = Date.now().toString(36);
  const env: Record<string, string> = {
    KAFKA_BROKERS: stack.kafkaBrokers,
    MONGODB_URI: stack.mongodbUri,
    MONGODB_DATABASE: `takeover_${run}`,
    KAFKA_TOPIC_PREFIX: `takeover.${run}.`,
    KAFKA_TOPIC_PARTITIONS: String(numberArgument('partitions', 6)),
    // info: the "joined consumer group" line tells when a restarted instance is in the group.
    LOG_LEVEL: 'info',
    ...(sessionTimeout > 0 ? { KAFKA_CONSUMER_SESSION_TIMEOUT_MS: String(sessionTimeout) } : {}),
  };
  log(`session timeout ${sessionTimeout > 0 ? `${sessionTimeout} ms` : 'the service default'}, ${entities} entities, ${env.KAFKA_TOPIC_PARTITIONS} partitions; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const instances: ServiceProcess[] = [];
  let probe: TopicProbe | undefined;
  let writer: EntityEventWriter | undefined;
  const results: Array<{ stalledMs: number; medianMs: number }> = [];
  try {
    instances.push(await spawnService('catalog', env), await spawnService('catalog', env));
    probe = await TopicProbe.start(env.KAFKA_BROKERS, `${env.KAFKA_TOPIC_PREFIX}${TOPICS.catalogEntities}`);
    writer = await EntityEventWriter.connect(env);
    const refs = Array.from({ length: entities }, (_, i) => `component:default/takeover-${i}`);
    let version = 0;
    /** Sends an update of every entity and resolves with when each was served, ms after `from`. */
    const updateAll = async (from: number, timeoutMs: number): Promise<number[]> => {
      version += 1;
      const marker = `takeover version ${version}`;
      const seenFrom = probe!.messages.length;
      await writer!.send(...refs.map((_, i) => upsertEvent(componentEntity(`takeover-${i}`, {}, { description: marker }), { repository: `acme/takeover-${i}`, sourceVersion: version })));
      const servedAt = new Map<string, number>();
      await eventually(async () => {
        for (const message of probe!.messages.slice(seenFrom)) if (message.key && !servedAt.has(message.key) && message.raw?.includes(marker)) servedAt.set(message.key, performance.now() - from);
        return servedAt.size >= refs.length ? true : undefined;
      }, timeoutMs, 20);
      return [...servedAt.values()].sort((a, b) => a - b);
    };
    /** Until `instance` has joined the group: the rebalance its arrival started is over, so the kill lands on a settled group. */
    const joined = (instance: ServiceProcess) => eventually(async () => (instance.output().includes('joined consumer group') ? true : undefined), 120_000, 100);
    // Both instances in the group and every partition served before the first kill.
    await Promise.all(instances.map(joined));
    await updateAll(performance.now(), 120_000);
    for (let round = 1; round <= rounds; round += 1) {
      await sleep(1_000);
      const victim = instances.shift()!;
      const killedAt = performance.now();
      process.kill(victim.pid, 'SIGKILL');
      const times = await updateAll(killedAt, 120_000);
      const result = { stalledMs: times[times.length - 1], medianMs: times[Math.floor(times.length / 2)] };
      results.push(result);
      log(`round ${round}: catalog pid ${victim.pid} SIGKILLed; every entity served ${secs(result.stalledMs)} after the kill (half of them within ${secs(result.medianMs)})`);
      const restarted = await spawnService('catalog', env);
      instances.push(restarted);
      await joined(restarted);
      await updateAll(performance.now(), 120_000);
    }
  } finally {
    await writer?.disconnect().catch(() => undefined);
    await probe?.stop().catch(() => undefined);
    await Promise.all(instances.map((i) => i.stop()));
    await stack.down();
  }
  const stalls = results.map((r) => r.stalledMs).sort((a, b) => a - b);
  log(`kill → every entity served: min ${secs(stalls[0])}, median ${secs(stalls[Math.floor(stalls.length / 2)])}, max ${secs(stalls[stalls.length - 1])} over ${stalls.length} rounds; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
