/**
 * The write path through the real pipeline: signed push webhooks → ingestion (reading files from
 * the GitHub stand-in) → Kafka → catalog → Kafka → query API, every service started from dist as
 * production runs it, on the bench stack's engines (FerretDB unless MONGODB_URI points elsewhere).
 *
 *   npm run bench:pipeline                                   # 10,000 entities in 500 repositories
 *   npm run bench:pipeline -- --entities 100000 --repos 2000 # the 100k figures
 *
 * Scenarios (--only a,b,...; all by default):
 *   cold     every repository pushed once (--webhook-concurrency, default 32) on an empty
 *            catalog, until every entity is served by the query API
 *   single   one push at a time changing one entity, webhook 202 → served by by-name (--samples 20)
 *   steady   --rate pushes/s (default 25) over --hot-repos repositories (default 200) for
 *            --duration s (default 60), each changing one entity: 202 → served, and how many never were
 *   step     the same at each of --step-rates (default 25,50,75,100,150) for --step-duration s
 *            (default 20): the highest rate whose p99 stays within 1 s
 *   replica  a second query replica started on the loaded catalog: time until it serves
 * and, at the end, the peak RSS (VmHWM) of each service.
 *
 * Each run uses a fresh database and topic prefix (a cold catalog), --partitions (default 3).
 * Prints each figure beside its target from issue 11; exits 0 whatever the numbers.
 */
import { randomUUID } from 'node:crypto';
import { Consumer, Kafka, logLevel } from 'kafkajs';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_SEED, generateCatalog, Random } from '../tools/synthetic-catalog/src';
import { spawnService } from '../test/support/process-harness';
import { API, PipelineDriver, PipelineRepo, repositoriesOf, sleep } from '../test/support/pipeline-driver';
import { flag, numberArgument, stringArgument } from './support/arguments';
import { benchStackEnv, startBenchStack } from './support/bench-stack';
import { catalogLag, DatasetTarget } from './support/dataset';

const SECRET = 'bench-pipeline-secret';
const ORG = 'bench';
const log = (line: string) => console.log(`[pipeline] ${line}`);

type BenchRepo = PipelineRepo;

/** One change: 202 → served by by-name, and when its entity event (ingestion's output) and its served entity (the catalog's) were seen. */
interface Sample {
  latency: number | null;
  status: number;
  stages?: { ingested: number; published: number };
}

interface LoadResult {
  latencies: number[];
  /** 202 → entity event on Kafka, and 202 → served entity on Kafka, per change seen there. */
  ingested: number[];
  published: number[];
  lost: number;
  refused: number;
  sent: number;
  achieved: number;
}

const stageSplit = (r: Pick<LoadResult, 'ingested' | 'published'>) =>
  `stages p50/p99: 202 → entity event ${ms(percentile(r.ingested, 50))}/${ms(percentile(r.ingested, 99))}, 202 → served entity published ${ms(percentile(r.published, 50))}/${ms(percentile(r.published, 99))}`;

const percentile = (values: number[], p: number) => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const ms = (value: number) => (Number.isFinite(value) ? `${Math.round(value)} ms` : 'n/a');
const secs = (value: number) => `${(value / 1000).toFixed(1)} s`;

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

function pidFromFile(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function vmStatus(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`${field}:\\s+(\\d+) kB`));
    return match ? Number(match[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

/**
 * Follows the served table (callboard.entities.v1) and wakes whoever waits for an entity's
 * description to be published, so a sample asks the query API only once its change is out: a
 * load generator polling every few milliseconds would be much of the load it measures.
 */
class PublishedWatcher {
  private consumer: Consumer | undefined;
  private readonly waiting = new Map<string, () => void>();
  /** When each marker was first seen as an entity event (ingestion's output), for the stage split. */
  private readonly ingested = new Map<string, number>();

  async start(brokers: string, servedTopic: string, eventTopic: string): Promise<void> {
    const kafka = new Kafka({ clientId: 'bench-watcher', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
    this.consumer = kafka.consumer({ groupId: `bench-watcher-${randomUUID()}`, maxWaitTimeInMs: 100 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [servedTopic, eventTopic], fromBeginning: false });
    await this.consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: 6,
      eachMessage: async ({ topic, message }) => {
        if (!message.value) return;
        const value = JSON.parse(message.value.toString('utf8')) as { metadata?: { description?: string }; entity?: { metadata?: { description?: string } } };
        if (topic === eventTopic) {
          const marker = value.entity?.metadata?.description;
          if (marker?.startsWith('bench ') && !this.ingested.has(marker)) this.ingested.set(marker, performance.now());
          return;
        }
        const description = value.metadata?.description;
        if (description) this.waiting.get(description)?.();
      },
    });
  }

  /** When the marker's entity event was first seen, if it was. */
  ingestedAt(marker: string): number | undefined {
    const at = this.ingested.get(marker);
    this.ingested.delete(marker);
    return at;
  }

  /** Resolves when an entity with this description is published, or after `timeoutMs`. */
  published(description: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.waiting.set(description, () => {
        this.waiting.delete(description);
        done();
      });
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

// Started as docker-compose.yml starts them (the query's heap capped as there); --cpu-profile
// a,b writes a V8 CPU profile of those services into --cpu-profile-dir when they stop.
function nodeFlags(): Record<'ingestion' | 'catalog' | 'query', string[]> {
  const profiled = new Set(stringArgument('cpu-profile', '').split(',').filter(Boolean));
  const flags = (name: string) => (profiled.has(name) ? ['--cpu-prof', `--cpu-prof-dir=${stringArgument('cpu-profile-dir', '/tmp')}`] : []);
  return { catalog: flags('catalog'), ingestion: flags('ingestion'), query: ['--max-old-space-size=768', ...flags('query')] };
}

class Pipeline extends PipelineDriver {
  readonly watcher = new PublishedWatcher();
  private readonly random = new Random(`pipeline/${Date.now()}`);

  constructor() {
    super({ secret: SECRET, nodeFlags: nodeFlags() });
  }

  randomRepo(): BenchRepo {
    return this.random.pick(this.repos);
  }

  async startBench(engines: { kafkaBrokers: string; mongodbUri: string }, partitions: number, entities: number, repos: BenchRepo[]): Promise<void> {
    const run = `${entities}_${Date.now().toString(36)}`;
    const env = {
      KAFKA_BROKERS: engines.kafkaBrokers,
      MONGODB_URI: engines.mongodbUri,
      MONGODB_DATABASE: `pipe_${run}`,
      KAFKA_TOPIC_PREFIX: `pipe.${run}.`,
      KAFKA_TOPIC_PARTITIONS: String(partitions),
      LOG_LEVEL: stringArgument('log-level', 'warn'),
      // --service-env A=1,B=2: settings for all three services, to compare a setting's effect.
      ...Object.fromEntries(stringArgument('service-env', '').split(',').filter(Boolean).map((pair) => pair.split('=', 2) as [string, string])),
    };
    log(`services on database ${env.MONGODB_DATABASE}, topic prefix ${env.KAFKA_TOPIC_PREFIX}, ${partitions} partitions`);
    await this.start(env, repos);
    await this.watcher.start(this.env.KAFKA_BROKERS, `${this.env.KAFKA_TOPIC_PREFIX}callboard.entities.v1`, `${this.env.KAFKA_TOPIC_PREFIX}callboard.entity-events.v1`);
  }

  async stopBench(): Promise<void> {
    await this.watcher.stop();
    const outputs = await this.stop();
    // Kept for a look afterwards: what each service logged (at --log-level).
    const dir = path.join(benchStackEnv().CALLBOARD_STATE_DIR!, '..', 'logs');
    mkdirSync(dir, { recursive: true });
    for (const [name, output] of outputs) writeFileSync(path.join(dir, `pipeline-${this.env?.MONGODB_DATABASE}-${name}.log`), output);
    log(`service logs in ${dir}`);
  }

  /** Processes whose CPU a scenario accounts for: the services, the engines when local, this process (the GitHub stand-in and the load). */
  processes(): Array<[string, number]> {
    const state = process.env.MONGODB_URI ? undefined : benchStackEnv().CALLBOARD_STATE_DIR;
    const engines: Array<[string, number | undefined]> = state
      ? [
          ['kafka', pidFromFile(path.join(state, 'dev', 'kafka', 'kafka.pid'))],
          ['ferretdb', pidFromFile(path.join(state, 'dev', 'ferretdb', 'ferretdb.pid'))],
        ]
      : [];
    return [
      ['ingestion', this.ingestion.pid],
      ['catalog', this.catalog.pid],
      ['query', this.query.pid],
      ...engines.filter((e): e is [string, number] => e[1] !== undefined),
      ['bench + stand-in', process.pid],
    ];
  }

  /** CPU seconds each process spends while `work` runs. */
  async cpuDuring<T>(work: () => Promise<T>): Promise<{ result: T; cpu: Array<[string, number]> }> {
    const before = this.processes().map(([name, pid]) => [name, pid, cpuSeconds(pid)] as const);
    const result = await work();
    return { result, cpu: before.map(([name, pid, start]) => [name, cpuSeconds(pid) - start]) };
  }

  /** Messages the catalog's consumer group has not committed yet, on its input topics. */
  async catalogLag(): Promise<number> {
    return catalogLag({ kafkaBrokers: this.env.KAFKA_BROKERS, mongodbUri: this.env.MONGODB_URI }, { topicPrefix: this.env.KAFKA_TOPIC_PREFIX, partitions: Number(this.env.KAFKA_TOPIC_PARTITIONS) } as DatasetTarget);
  }

  /** Commits a new description for one component of the repository and pushes it; resolves when by-name serves it, or after `timeoutMs`. */
  async changeOne(repo: BenchRepo, timeoutMs: number): Promise<Sample> {
    const components = repo.items.filter((i) => i.entity.kind === 'Component');
    const target = this.random.pick(components.length > 0 ? components : repo.items);
    const marker = `bench ${randomUUID()}`;
    target.entity = { ...target.entity, metadata: { ...target.entity.metadata, description: marker } };
    const published = this.watcher.published(marker, timeoutMs);
    const { status, acceptedAt } = await this.push(repo);
    if (status !== 202) return { latency: null, status };
    const { kind, metadata } = target.entity;
    const url = `${this.query.url}${API}/entities/by-name/${kind.toLowerCase()}/${metadata.namespace ?? 'default'}/${encodeURIComponent(metadata.name)}`;
    await published;
    const stages = { ingested: (this.watcher.ingestedAt(marker) ?? NaN) - acceptedAt, published: performance.now() - acceptedAt };
    // Published: the query replica applies it about as soon; by-name is what the measure is about.
    while (performance.now() - acceptedAt < timeoutMs) {
      const response = await fetch(url);
      if (response.status === 200 && ((await response.json()) as { metadata: { description?: string } }).metadata.description === marker) {
        return { latency: performance.now() - acceptedAt, status, stages };
      }
      await sleep(2);
    }
    return { latency: null, status };
  }

  /** Open loop at `rate` pushes/s for `seconds`, over the first `hot` repositories. */
  async load(rate: number, seconds: number, hot: number): Promise<LoadResult> {
    const pool = this.repos.slice(0, Math.min(hot, this.repos.length));
    const busy = new Set<BenchRepo>();
    const samples: Array<Promise<Sample>> = [];
    const started = performance.now();
    let sent = 0;
    for (let i = 0; performance.now() - started < seconds * 1000; i += 1) {
      const due = started + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      // One change in flight per repository: its file is rewritten whole.
      const free = pool.filter((r) => !busy.has(r));
      if (free.length === 0) continue;
      const repo = this.random.pick(free);
      busy.add(repo);
      sent += 1;
      samples.push(this.changeOne(repo, 30_000).finally(() => busy.delete(repo)));
    }
    const achieved = sent / ((performance.now() - started) / 1000);
    const results = await Promise.all(samples);
    return {
      latencies: results.filter((r) => r.latency !== null).map((r) => r.latency!),
      ingested: results.map((r) => r.stages?.ingested ?? NaN).filter(Number.isFinite),
      published: results.map((r) => r.stages?.published ?? NaN).filter(Number.isFinite),
      lost: results.filter((r) => r.latency === null && r.status === 202).length,
      refused: results.filter((r) => r.status !== 202).length,
      sent,
      achieved,
    };
  }
}

async function main(): Promise<void> {
  const entities = numberArgument('entities', 10_000);
  const repoCount = numberArgument('repos', entities >= 100_000 ? 2000 : 500);
  const partitions = numberArgument('partitions', 3);
  const only = new Set(stringArgument('only', 'cold,single,steady,step,replica').split(','));
  const coldTarget = entities >= 100_000 ? 180_000 : 15_000;
  const rows: string[] = [];
  const row = (measure: string, figure: string, target: string) => rows.push(`| ${measure} | ${figure} | ${target} |`);

  const catalog = generateCatalog({ entities, seed: stringArgument('seed', DEFAULT_SEED) });
  const bench = await startBenchStack({ keepRunning: flag('keep-running') });
  const pipeline = new Pipeline();
  try {
    const repos = repositoriesOf(catalog.entities, repoCount, ORG);
    log(`${catalog.entities.length} entities in ${repos.length} repositories (largest file ${Math.max(...repos.map((r) => r.items.length))} entities)`);
    await pipeline.startBench(bench.engines, partitions, entities, repos);

    // Cold: every repository pushed once; always run, the other scenarios need the catalog.
    {
      const concurrency = numberArgument('webhook-concurrency', 32);
      const queue = [...pipeline.repos];
      const started = performance.now();
      let refused = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          for (let repo = queue.shift(); repo; repo = queue.shift()) if ((await pipeline.push(repo)).status !== 202) refused += 1;
        }),
      );
      const accepted = performance.now() - started;
      log(`${pipeline.repos.length} push webhooks answered in ${secs(accepted)} (${refused} not 202)`);
      let served = 0;
      let lastLog = performance.now();
      const deadline = started + Math.max(coldTarget * 4, 600_000);
      while ((served = await pipeline.servedCount()) < catalog.entities.length && performance.now() < deadline) {
        if (performance.now() - lastLog > 10_000) {
          log(`served ${served}/${catalog.entities.length} after ${secs(performance.now() - started)}`);
          lastLog = performance.now();
        }
        await sleep(100);
      }
      const took = performance.now() - started;
      log(`cold ingest: ${served}/${catalog.entities.length} served after ${secs(took)}`);
      // Served is the measure; settled (every relation update applied, every neighbour re-stitched)
      // is when the catalog is idle again, which the next scenarios need to measure a push alone.
      while ((await pipeline.catalogLag()) > 0 && performance.now() < deadline) await sleep(500);
      log(`cold ingest settled (catalog caught up with every entity event and relation update) after ${secs(performance.now() - started)}`);
      row(`cold ingest, ${entities.toLocaleString('en')} entities in ${pipeline.repos.length} repositories (first webhook → all served)`, served >= catalog.entities.length ? secs(took) : `${served} served after ${secs(took)}`, `≤ ${coldTarget / 1000} s`);
    }

    if (only.has('single')) {
      const samples = numberArgument('samples', 20);
      const latencies: number[] = [];
      for (let i = 0; i < samples; i += 1) {
        const result = await pipeline.changeOne(pipeline.randomRepo(), 30_000);
        if (result.latency !== null) latencies.push(result.latency);
      }
      log(`single push: p50 ${ms(percentile(latencies, 50))}, p99 ${ms(percentile(latencies, 99))}, max ${ms(Math.max(...latencies))}, ${samples - latencies.length} not served within 30 s`);
      row(`one push at a time, ${samples} samples (202 → served by by-name)`, `p50 ${ms(percentile(latencies, 50))}, p99 ${ms(percentile(latencies, 99))}`, 'p99 ≤ 300 ms');
    }

    const hot = numberArgument('hot-repos', 200);
    if (only.has('steady')) {
      const rate = numberArgument('rate', 25);
      const seconds = numberArgument('duration', 60);
      const { result: r, cpu } = await pipeline.cpuDuring(() => pipeline.load(rate, seconds, hot));
      log(`steady CPU per push (ms): ${cpu.map(([name, sec]) => `${name} ${((sec * 1000) / Math.max(1, r.sent)).toFixed(1)}`).join(', ')}`);
      log(`steady ${rate}/s for ${seconds} s: sent ${r.sent} (${r.achieved.toFixed(1)}/s), p50 ${ms(percentile(r.latencies, 50))}, p99 ${ms(percentile(r.latencies, 99))}, max ${ms(Math.max(...r.latencies))}, lost ${r.lost}, refused ${r.refused}`);
      log(`steady ${stageSplit(r)}`);
      row(`${rate} pushes/s over ${hot} repositories for ${seconds} s (202 → served)`, `p50 ${ms(percentile(r.latencies, 50))}, p99 ${ms(percentile(r.latencies, 99))}, lost ${r.lost} of ${r.sent}`, 'p50 ≤ 150 ms, p99 ≤ 1 s, 0 lost');
    }

    if (only.has('step')) {
      const rates = stringArgument('step-rates', '25,50,75,100,150').split(',').map(Number);
      const seconds = numberArgument('step-duration', 20);
      let best = 0;
      for (const rate of rates) {
        const r = await pipeline.load(rate, seconds, hot);
        const p99 = percentile(r.latencies, 99);
        log(`step ${rate}/s: achieved ${r.achieved.toFixed(1)}/s, p50 ${ms(percentile(r.latencies, 50))}, p99 ${ms(p99)}, lost ${r.lost}; ${stageSplit(r)}`);
        if (p99 <= 1000 && r.lost === 0 && r.achieved >= rate * 0.9) best = rate;
        else break;
      }
      row(`highest rate with p99 ≤ 1 s (steps ${rates.join(', ')} /s, ${seconds} s each)`, `${best}/s`, 'report (aim 100/s)');
    }

    if (only.has('replica')) {
      const started = performance.now();
      const replica = await spawnService('query', pipeline.env, { readyTimeoutMs: 300_000, nodeFlags: ['--max-old-space-size=768'] });
      const took = performance.now() - started;
      const served = await pipeline.servedCount(replica.url);
      log(`a new query replica served ${served} entities ${secs(took)} after it was started (peak RSS ${Math.round(vmStatus(replica.pid, 'VmHWM') / 2 ** 20)} MiB)`);
      row(`query replica start at ${entities.toLocaleString('en')} entities (spawn → healthy)`, secs(took), '≤ 30 s');
      await replica.stop();
    }

    for (const [name, service] of [['ingestion', pipeline.ingestion], ['catalog', pipeline.catalog], ['query', pipeline.query]] as const) {
      row(`peak RSS of ${name} (VmHWM)`, `${Math.round(vmStatus(service.pid, 'VmHWM') / 2 ** 20)} MiB`, '≤ 1 GiB');
    }
  } finally {
    await pipeline.stopBench();
    await bench.stop();
  }
  console.log(`\n| measure | figure | target |\n| --- | --- | --- |\n${rows.join('\n')}\n`);
}

main().catch((err) => {
  console.error(`pipeline bench failed: ${(err as Error).stack ?? err}${(err as Error).cause ? `\ncaused by: ${String((err as Error).cause)}` : ''}`);
  process.exit(1);
});
