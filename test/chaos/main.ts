/**
 * `npm run chaos`: faults during bursts of pushes through the real pipeline, each burst ending
 * with the served catalog compared with the GitHub stand-in (docs/reliability.md).
 *
 *   npm run chaos                                  # catalog ×20, ingestion ×5, query ×5, kafka ×3, mongodb ×3
 *   npm run chaos -- --catalog 2 --ingestion 1 --query 0 --kafka 1 --mongodb 0 --burst-seconds 4
 *
 * Options: --entities (300) --repos (30) --rate pushes/s (8) --burst-seconds (6)
 * --engine-down-seconds (5) --session-timeout-ms (10000) --partitions (3) --converge-timeout-ms
 * (180000) --seed --log-level (warn); its own engines on --kafka-port (39092)
 * --kafka-controller-port (39093) --mongodb-port (57017), or CALLBOARD_CHAOS_KAFKA_PORT,
 * CALLBOARD_CHAOS_KAFKA_CONTROLLER_PORT, CALLBOARD_CHAOS_MONGODB_PORT; state under
 * <cache>/chaos/state-<kafka port> (data kept between runs; each run has its own database and topics).
 * Exits 1 when anything was lost or stale or a history is wrong.
 */
import { loadavg } from 'node:os';
import path from 'node:path';
import { numberArgument, stringArgument } from '../../benchmarks/support/arguments';
import { repoRoot } from '../support/process-harness';
import { ChaosStack } from './chaos-stack';
import { FAULT_KINDS, FaultKind, runChaos } from './chaos-run';

const DEFAULT_FAULTS: Record<FaultKind, number> = { catalog: 20, ingestion: 5, query: 5, kafka: 3, mongodb: 3 };
const log = (line: string) => console.log(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}`);
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

function port(option: string, variable: string, fallback: number): number {
  return numberArgument(option, Number(process.env[variable] || fallback));
}

async function main(): Promise<void> {
  const cache = path.resolve(repoRoot, process.env.CALLBOARD_CACHE_DIR || '.callboard/cache');
  const kafkaPort = port('kafka-port', 'CALLBOARD_CHAOS_KAFKA_PORT', 39092);
  const stack = new ChaosStack({
    // A state folder per port: two runs on other ports never stop each other's engines.
    stateDir: path.join(cache, 'chaos', `state-${kafkaPort}`),
    kafkaPort,
    kafkaControllerPort: port('kafka-controller-port', 'CALLBOARD_CHAOS_KAFKA_CONTROLLER_PORT', 39093),
    mongodbPort: port('mongodb-port', 'CALLBOARD_CHAOS_MONGODB_PORT', 57017),
  });
  const faults = Object.fromEntries(FAULT_KINDS.map((k) => [k, numberArgument(k, DEFAULT_FAULTS[k])])) as Record<FaultKind, number>;
  const started = performance.now();
  log(`faults ${FAULT_KINDS.map((k) => `${k} ×${faults[k]}`).join(', ')}; load average ${load()}`);
  let report;
  try {
    report = await runChaos({
      stack,
      faults,
      entities: numberArgument('entities', 300),
      repos: numberArgument('repos', 30),
      rate: numberArgument('rate', 8),
      burstSeconds: numberArgument('burst-seconds', 6),
      engineDownSeconds: numberArgument('engine-down-seconds', 5),
      sessionTimeoutMs: numberArgument('session-timeout-ms', 10_000),
      partitions: numberArgument('partitions', 3),
      convergeTimeoutMs: numberArgument('converge-timeout-ms', 180_000),
      seed: stringArgument('seed', 'chaos'),
      logLevel: stringArgument('log-level', 'warn'),
      logDir: path.join(cache, 'chaos', 'logs', new Date().toISOString().replace(/[:.]/g, '-')),
      log,
    });
  } finally {
    await stack.down();
  }

  const rows = FAULT_KINDS.filter((k) => faults[k] > 0).map((kind) => {
    const rounds = report.rounds.filter((r) => r.fault === kind);
    const range = (values: number[]) => `${secs(Math.min(...values))} / ${secs(values.sort((a, b) => a - b)[Math.floor(values.length / 2)])} / ${secs(Math.max(...values))}`;
    return (
      `| ${kind} | ${rounds.length} | ${rounds.reduce((n, r) => n + r.pushes, 0)} | ${rounds.reduce((n, r) => n + r.redeliveries, 0)} | ` +
      `${range(rounds.map((r) => r.recoveredMs))} | ${range(rounds.map((r) => r.faultToConvergedMs))} | ${range(rounds.map((r) => r.lastPushToConvergedMs))} | ` +
      `${rounds.reduce((n, r) => n + r.lost.length, 0)} | ${rounds.reduce((n, r) => n + r.stale.length, 0)} |`
    );
  });
  const lost = report.rounds.reduce((n, r) => n + r.lost.length, 0);
  const stale = report.rounds.reduce((n, r) => n + r.stale.length, 0);
  console.log(
    `\n${report.entities} entities in ${report.repos} repositories; min / median / max per fault\n\n` +
      '| fault | rounds | pushes | redelivered | back after | fault → converged | last push → converged | lost | stale |\n' +
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n' +
      `${rows.join('\n')}\n\n` +
      `history: ${report.history.entities} entities, ${report.history.entries} changes, ${report.history.problems.length} problems\n` +
      `unplanned exits (started again): ${report.unplannedExits.length ? report.unplannedExits.map((e) => `${e.service} (${e.code})`).join(', ') : 'none'}\n` +
      `took ${secs(performance.now() - started)}; load average ${load()}\n`,
  );
  for (const problem of report.history.problems.slice(0, 50)) console.log(`history problem: ${problem}`);
  process.exit(lost === 0 && stale === 0 && report.history.problems.length === 0 && report.rounds.every((r) => r.converged) ? 0 : 1);
}

main().catch((err) => {
  console.error(`chaos run failed: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
