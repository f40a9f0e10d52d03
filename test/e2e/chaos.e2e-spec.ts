import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, repoRoot } from '../support/process-harness';
import { ChaosStack } from '../chaos/chaos-stack';
import { ChaosReport, runChaos } from '../chaos/chaos-run';

// The key cases of `npm run chaos`, small: each fault once during a burst of pushes through the
// real pipeline. Engines of its own (free ports, a temporary state folder): stopping the shared
// test stack's Kafka would break the other suites running beside this one.
describe('chaos: faults during a burst of pushes', () => {
  let report: ChaosReport;
  let stateDir: string;
  let stack: ChaosStack;

  beforeAll(async () => {
    stateDir = mkdtempSync(path.join(tmpdir(), 'callboard-chaos-'));
    stack = new ChaosStack({ stateDir, kafkaPort: await freePort(), kafkaControllerPort: await freePort(), mongodbPort: await freePort() });
    report = await runChaos({
      stack,
      faults: { catalog: 2, ingestion: 1, query: 1, kafka: 1, mongodb: 1 },
      entities: 60,
      repos: 8,
      rate: 5,
      burstSeconds: 3,
      engineDownSeconds: 2,
      sessionTimeoutMs: 6000,
      partitions: 2,
      convergeTimeoutMs: 120_000,
      seed: 'chaos-e2e',
      logDir: path.join(repoRoot, '.callboard', 'chaos-e2e-logs'),
      log: (line) => process.stdout.write(`[chaos] ${line}\n`),
    });
  }, 15 * 60_000);

  afterAll(async () => {
    await stack?.down();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  }, 120_000);

  it('ends every burst with the catalog equal to the GitHub stand-in: nothing lost, nothing stale', () => {
    expect(report.rounds.map((r) => r.fault)).toEqual(['catalog', 'catalog', 'ingestion', 'query', 'kafka', 'mongodb']);
    expect(report.rounds.filter((r) => !r.converged).map((r) => ({ fault: r.fault, lost: r.lost, stale: r.stale }))).toEqual([]);
  });

  it('keeps every entity history complete and in order', () => {
    expect(report.history.entities).toBeGreaterThan(0);
    expect(report.history.problems).toEqual([]);
  });
});
