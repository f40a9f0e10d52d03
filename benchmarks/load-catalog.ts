/**
 * Loads a synthetic catalog into the benchmark stack and reports how fast it went; with
 * `--load pipeline` (the default here) that is the catalog service's projection throughput
 * (entities/s) on the real path: entity events on Kafka, projected by the catalog service.
 *
 *   npm run bench:load [-- --entities 5000 --seed callboard --load pipeline --reload --keep-running --max-minutes 10]
 *
 * --max-minutes stops a pipeline load that has not finished by then and reports the rate it
 * reached (the dataset is then not marked loaded).
 * --reload drops an already loaded dataset of the same seed and size first (otherwise it is
 * reused and only its recorded load report is printed). --keep-running leaves the engines up.
 * This is a FerretDB (SQLite backend) figure unless MONGODB_URI points at a MongoDB.
 */
import { generateCatalog, DEFAULT_SEED } from '../tools/synthetic-catalog/src';
import { startBenchStack } from './support/bench-stack';
import { datasetTarget, dropDataset, ensureDataset, formatDuration, LoadTimeLimitError, pipelineLoader } from './support/dataset';
import { loaderNamed } from './support/loaders';
import { flag, numberArgument, stringArgument } from './support/arguments';

async function main(): Promise<void> {
  const entities = numberArgument('entities', 5000);
  const seed = stringArgument('seed', DEFAULT_SEED);
  const method = stringArgument('load', 'pipeline');
  const maxMinutes = numberArgument('max-minutes', 0);
  const loader = method === 'pipeline' && maxMinutes > 0 ? pipelineLoader({ timeLimitMs: maxMinutes * 60_000 }) : loaderNamed(method);
  const log = (line: string) => console.log(`[load] ${line}`);
  const catalog = generateCatalog({ entities, seed });
  log(`generated ${entities} entities (seed "${seed}"): ${Object.entries(catalog.counts).map(([k, v]) => `${v} ${k}`).join(', ')}`);
  const bench = await startBenchStack({ keepRunning: flag('keep-running') });
  try {
    log(`engines: kafka ${bench.engines.kafkaBrokers}, mongodb ${bench.engines.mongodbUri}${bench.stateDir ? ` (state ${bench.stateDir})` : ''}`);
    const target = datasetTarget(catalog, bench.engines);
    if (flag('reload')) await dropDataset(bench.engines, target);
    let loaded: Awaited<ReturnType<typeof ensureDataset>>;
    try {
      loaded = await ensureDataset({ catalog, engines: bench.engines, target, log }, loader, method);
    } catch (err) {
      if (!(err instanceof LoadTimeLimitError)) throw err;
      const r = err.report;
      log(`${err.message}: ${r.projectionRate.toFixed(2)} entities/s on average (publish ${formatDuration(r.publishMs)}); the rate falls as the collection grows`);
      log(`at that average rate 100,000 entities would take ~${formatDuration((100_000 / r.projectionRate) * 1000)} (a lower bound)`);
      return;
    }
    const { marker, loadedNow } = loaded;
    const r = marker.report;
    log(
      `${loadedNow ? 'loaded' : 'already loaded (cached)'} dataset ${target.database}: ${r.entities} entities via ${r.method}; ` +
        `publish ${formatDuration(r.publishMs)}, projection ${formatDuration(r.projectMs)} = ${r.projectionRate.toFixed(1)} entities/s`,
    );
    if (r.method === 'pipeline') log(`at that rate 100,000 entities would take ~${formatDuration((100_000 / r.projectionRate) * 1000)} to project (the rate falls as the collection grows)`);
  } finally {
    await bench.stop();
  }
}

main().catch((err) => {
  console.error(`load failed: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
