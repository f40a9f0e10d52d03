/**
 * The chaos suite's engine: bursts of signed pushes through the real pipeline (GitHub stand-in →
 * ingestion → Kafka → catalog → FerretDB/Kafka → query), a fault injected in each burst, and after
 * each burst the served catalog compared with the stand-in's repositories until they are equal.
 * Used by `npm run chaos` (long runs, figures printed) and by a jest test (a few faults, asserted
 * for correctness only).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { applyPatch, compare, deepClone, Operation } from 'fast-json-patch';
import { generatedLocationName, githubFileLocation } from '@callboard/entity-model';
import { sendWebhook } from '@callboard/github-stand-in';
import { generateCatalog, Random, SyntheticEntity } from '../../tools/synthetic-catalog/src';
import { API, PipelineDriver, PipelineRepo, repositoriesOf, ServiceName, sleep } from '../support/pipeline-driver';
import type { ChaosStack, EngineName } from './chaos-stack';

export type FaultKind = ServiceName | EngineName;
export const FAULT_KINDS: readonly FaultKind[] = ['catalog', 'ingestion', 'query', 'kafka', 'mongodb'];

export interface ChaosOptions {
  stack: ChaosStack;
  /** Faults per kind, run in FAULT_KINDS order, one per burst. */
  faults: Partial<Record<FaultKind, number>>;
  entities: number;
  repos: number;
  /** Pushes per second during a burst. */
  rate: number;
  burstSeconds: number;
  /** How long a stopped engine stays down. */
  engineDownSeconds: number;
  sessionTimeoutMs: number;
  partitions: number;
  /** A burst that has not converged this long after its last push counts its differences as lost/stale. */
  convergeTimeoutMs: number;
  seed: string;
  logLevel?: string;
  /** Where every service process's output is written at the end (all restarts of one service in one file). */
  logDir?: string;
  log: (line: string) => void;
}

export interface RoundResult {
  fault: FaultKind;
  round: number;
  pushes: number;
  /** Webhook attempts not answered 202 (sent again with the same delivery id, as a redelivery). */
  redeliveries: number;
  /** Fault injected → the killed service or stopped engine answering again. */
  recoveredMs: number;
  /** Fault injected → the served catalog equal to the stand-in's repositories. */
  faultToConvergedMs: number;
  /** Last push accepted → converged. */
  lastPushToConvergedMs: number;
  converged: boolean;
  lost: string[];
  stale: string[];
}

export interface HistoryResult {
  entities: number;
  entries: number;
  problems: string[];
}

export interface ChaosReport {
  rounds: RoundResult[];
  history: HistoryResult;
  /** Service exits nobody asked for (a consumer that cannot go on exits; it was started again). */
  unplannedExits: Array<{ service: ServiceName; code: number | string | null }>;
  entities: number;
  repos: number;
}

const SECRET = 'chaos-webhook-secret';
const ORG = 'chaos';

interface Served {
  ref: string;
  entity: { kind: string; metadata: { name: string; namespace?: string; description?: string }; spec?: unknown };
}

const refOf = (e: Served['entity']) => `${e.kind}:${e.metadata.namespace ?? 'default'}/${e.metadata.name}`.toLowerCase();

/** The served catalog, every page, or undefined while the query service does not answer. */
async function servedCatalog(queryUrl: string): Promise<Map<string, Served['entity']> | undefined> {
  const served = new Map<string, Served['entity']>();
  let query = 'limit=500';
  try {
    for (;;) {
      const response = await fetch(`${queryUrl}${API}/entities/by-query?${query}`, { signal: AbortSignal.timeout(10_000) });
      if (response.status !== 200) return undefined;
      const page = (await response.json()) as { items: Array<Served['entity']>; pageInfo: { nextCursor?: string } };
      for (const entity of page.items) served.set(refOf(entity), entity);
      if (!page.pageInfo.nextCursor) return served;
      query = `limit=500&cursor=${encodeURIComponent(page.pageInfo.nextCursor)}`;
    }
  } catch {
    return undefined;
  }
}

/**
 * What differs between the stand-in's repositories and the served catalog. `locations` are the
 * refs of the Location entities generated for the repositories' catalog files (as Backstage's
 * discovery does): served beside what the files declare.
 */
function differences(truth: Map<string, SyntheticEntity>, locations: ReadonlySet<string>, served: Map<string, Served['entity']>): { lost: string[]; stale: string[] } {
  const lost: string[] = [];
  const stale: string[] = [];
  for (const [ref, item] of truth) {
    const entity = served.get(ref);
    if (!entity) lost.push(ref);
    // Each push writes a new description (the catalog normalises spec refs, so spec is no marker).
    else if (entity.metadata.description !== item.entity.metadata.description) stale.push(`${ref} (served "${entity.metadata.description}", declared "${item.entity.metadata.description}")`);
  }
  for (const ref of locations) if (!served.has(ref)) lost.push(`${ref} (its file's generated Location)`);
  // Served but declared by no file any more: a removal that did not arrive is stale too.
  for (const ref of served.keys()) if (!truth.has(ref) && !locations.has(ref)) stale.push(`${ref} (removed from its file)`);
  return { lost, stale };
}

interface HistoryItem {
  id: string;
  type: 'created' | 'updated' | 'deleted';
  causeEntityRef: string;
  source: { commitSha: string; repository: string };
  patch: Operation[];
}

/**
 * Keeps the services running as a supervisor would: a service that exits, killed or not, is
 * started again until it is healthy (with the engines down it may take several tries).
 */
class Supervisor {
  readonly unplanned: ChaosReport['unplannedExits'] = [];
  readonly outputs = new Map<ServiceName, string[]>();
  private readonly planned = new Set<ServiceName>();
  private stopping = false;

  constructor(
    private readonly pipeline: PipelineDriver,
    private readonly log: (line: string) => void,
  ) {}

  watch(name: ServiceName): void {
    const service = this.pipeline.service(name);
    void service.exited.then(async (code) => {
      this.outputs.set(name, [...(this.outputs.get(name) ?? []), `--- pid ${service.pid} exited with ${code}\n${service.output()}`]);
      if (this.stopping) return;
      if (!this.planned.delete(name)) {
        this.unplanned.push({ service: name, code });
        this.log(`${name} exited by itself (${code}); starting it again`);
      }
      for (let attempt = 1; !this.stopping; attempt += 1) {
        try {
          await this.pipeline.spawn(name);
          this.watch(name);
          return;
        } catch (err) {
          this.log(`${name} did not start (attempt ${attempt}): ${(err as Error).message.split('\n')[0]}`);
          await sleep(1000);
        }
      }
    });
  }

  /** SIGKILL, then resolves once the supervisor has it healthy again. */
  async kill(name: ServiceName): Promise<void> {
    const old = this.pipeline.service(name);
    this.planned.add(name);
    process.kill(old.pid, 'SIGKILL');
    await old.exited;
    while (this.pipeline.service(name) === old) await sleep(50);
  }

  /** Resolves once every service answers /health. */
  async allHealthy(): Promise<void> {
    for (const name of ['catalog', 'ingestion', 'query'] as const) {
      for (;;) {
        const ok = await fetch(`${this.pipeline.service(name).url}/health`, { signal: AbortSignal.timeout(2000) })
          .then((r) => r.status === 200)
          .catch(() => false);
        if (ok) break;
        await sleep(100);
      }
    }
  }

  stop(): void {
    this.stopping = true;
  }
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const { log } = options;
  const random = new Random(`chaos/${options.seed}`);
  const catalog = generateCatalog({ entities: options.entities, seed: options.seed });
  const repos = repositoriesOf(catalog.entities, options.repos, ORG);
  const removed = new Map<PipelineRepo, SyntheticEntity[]>(repos.map((r) => [r, []]));
  // Every commit the stand-in made, in order per repository: what "in order" is checked against.
  const commitIndex = new Map<string, { repo: string; index: number }>();
  const commitsOf = new Map<string, number>();
  const everPushed = new Map<string, { item: SyntheticEntity; repo: PipelineRepo }>();
  // The generated Location entity of each repository's catalog file (a file is never emptied).
  const locations = new Set<string>();

  await options.stack.up();
  const run = Date.now().toString(36);
  const pipeline = new PipelineDriver({ secret: SECRET, readyTimeoutMs: 60_000 });
  const supervisor = new Supervisor(pipeline, log);
  await pipeline.start(
    {
      KAFKA_BROKERS: options.stack.kafkaBrokers,
      MONGODB_URI: options.stack.mongodbUri,
      MONGODB_DATABASE: `chaos_${run}`,
      KAFKA_TOPIC_PREFIX: `chaos.${run}.`,
      KAFKA_TOPIC_PARTITIONS: String(options.partitions),
      KAFKA_CONSUMER_SESSION_TIMEOUT_MS: String(options.sessionTimeoutMs),
      LOG_LEVEL: options.logLevel ?? 'warn',
    },
    repos,
  );
  for (const name of ['catalog', 'ingestion', 'query'] as const) supervisor.watch(name);
  log(`${catalog.entities.length} entities in ${repos.length} repositories; database chaos_${run}, session timeout ${options.sessionTimeoutMs} ms`);

  const truth = () => {
    const map = new Map<string, SyntheticEntity>();
    for (const repo of repos) for (const item of repo.items) map.set(item.ref, item);
    return map;
  };

  /** Commits once and delivers until accepted, the same delivery id each time, as GitHub's redeliver does. */
  let redeliveries = 0;
  const push = async (repo: PipelineRepo): Promise<number> => {
    const { payload, after } = pipeline.commit(repo);
    locations.add(`location:default/${generatedLocationName(githubFileLocation(payload.repository.html_url, payload.repository.default_branch, 'catalog-info.yaml'))}`);
    const index = commitsOf.get(repo.fullName) ?? 0;
    commitsOf.set(repo.fullName, index + 1);
    commitIndex.set(after, { repo: repo.fullName, index });
    for (const item of repo.items) everPushed.set(item.ref, { item, repo });
    const deliveryId = `chaos-${run}-${repo.fullName}-${index}`;
    for (let wait = 100; ; wait = Math.min(2000, wait * 2)) {
      const status = await sendWebhook({ url: `${pipeline.ingestion.url}/webhooks/github`, secret: SECRET, event: 'push', payload, deliveryId, timeoutMs: 15_000 })
        .then((r) => r.status)
        .catch(() => 0);
      if (status === 202) return performance.now();
      redeliveries += 1;
      await sleep(wait);
    }
  };

  let changeNumber = 0;
  const mutate = (repo: PipelineRepo) => {
    const roll = random.next();
    const parked = removed.get(repo)!;
    if (roll < 0.08 && repo.items.length > 1) {
      const [item] = repo.items.splice(random.int(0, repo.items.length - 1), 1);
      parked.push(item);
      return;
    }
    if (roll < 0.16 && parked.length > 0) {
      repo.items.push(parked.shift()!);
    }
    const item = random.pick(repo.items);
    changeNumber += 1;
    item.entity = { ...item.entity, metadata: { ...item.entity.metadata, description: `chaos change ${changeNumber}` } };
  };

  /** Until the served catalog equals the truth, or the timeout; the differences left. */
  const converge = async (timeoutMs: number) => {
    const expected = truth();
    const deadline = performance.now() + timeoutMs;
    let left = { lost: [...expected.keys()], stale: [] as string[] };
    for (;;) {
      const served = await servedCatalog(pipeline.query.url);
      if (served) left = differences(expected, locations, served);
      if (served && left.lost.length === 0 && left.stale.length === 0) return { converged: true, at: performance.now(), ...left };
      if (performance.now() > deadline) return { converged: false, at: performance.now(), ...left };
      await sleep(200);
    }
  };

  const inject = async (fault: FaultKind) => {
    if (fault === 'kafka' || fault === 'mongodb') {
      await options.stack.stop(fault);
      await sleep(options.engineDownSeconds * 1000);
      await options.stack.up();
      await supervisor.allHealthy();
    } else {
      await supervisor.kill(fault);
    }
  };

  const rounds: RoundResult[] = [];
  try {
    // Every repository once, so that the bursts change a catalog that exists.
    await Promise.all(repos.map((repo) => push(repo)));
    const initial = await converge(options.convergeTimeoutMs * 2);
    log(`initial ingest ${initial.converged ? 'served' : `NOT served (${initial.lost.length} lost, ${initial.stale.length} stale)`}`);

    for (const fault of FAULT_KINDS) {
      for (let round = 1; round <= (options.faults[fault] ?? 0); round += 1) {
        redeliveries = 0;
        const busy = new Set<PipelineRepo>();
        const inFlight: Array<Promise<number>> = [];
        const started = performance.now();
        let faultAt = 0;
        let recoveredAt = 0;
        // The fault lands a third of the way into the burst, and the burst goes on while it lasts.
        const faultDone = sleep((options.burstSeconds * 1000) / 3).then(async () => {
          faultAt = performance.now();
          await inject(fault);
          recoveredAt = performance.now();
        });
        for (let i = 0; performance.now() - started < options.burstSeconds * 1000; i += 1) {
          const wait = started + (i * 1000) / options.rate - performance.now();
          if (wait > 0) await sleep(wait);
          // One push in flight per repository: its next commit waits until the last is accepted.
          const free = repos.filter((r) => !busy.has(r));
          if (free.length === 0) continue;
          const repo = random.pick(free);
          busy.add(repo);
          mutate(repo);
          inFlight.push(push(repo).finally(() => busy.delete(repo)));
        }
        await faultDone;
        const accepted = await Promise.all(inFlight);
        const lastPush = Math.max(...accepted, recoveredAt);
        const result = await converge(options.convergeTimeoutMs);
        const row: RoundResult = {
          fault,
          round,
          pushes: inFlight.length,
          redeliveries,
          recoveredMs: recoveredAt - faultAt,
          faultToConvergedMs: result.at - faultAt,
          lastPushToConvergedMs: result.at - lastPush,
          converged: result.converged,
          lost: result.lost,
          stale: result.stale,
        };
        rounds.push(row);
        log(
          `${fault} #${round}: ${row.pushes} pushes (${redeliveries} redelivered), back after ${(row.recoveredMs / 1000).toFixed(1)} s, ` +
            (result.converged
              ? `converged ${(row.faultToConvergedMs / 1000).toFixed(1)} s after the fault, ${(row.lastPushToConvergedMs / 1000).toFixed(1)} s after the last push`
              : `NOT converged: ${row.lost.length} lost, ${row.stale.length} stale (${[...row.lost, ...row.stale].slice(0, 5).join(', ')})`),
        );
      }
    }
    const history = await checkHistories(pipeline.query.url, everPushed, truth(), commitIndex, log);
    return { rounds, history, unplannedExits: supervisor.unplanned, entities: catalog.entities.length, repos: repos.length };
  } finally {
    supervisor.stop();
    await pipeline.stop();
    if (options.logDir) {
      mkdirSync(options.logDir, { recursive: true });
      for (const [name, outputs] of supervisor.outputs) writeFileSync(path.join(options.logDir, `${name}.log`), outputs.join('\n'));
      log(`service logs in ${options.logDir}`);
    }
  }
}

async function historyOf(queryUrl: string, ref: string): Promise<HistoryItem[]> {
  const [kind, rest] = ref.split(':');
  const [namespace, name] = rest.split('/');
  const items: HistoryItem[] = [];
  let cursor: string | undefined;
  do {
    const url = `${queryUrl}${API}/entities/by-name/${kind}/${namespace}/${encodeURIComponent(name)}/history?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const response = await fetch(url);
    if (response.status === 404) return items;
    if (response.status !== 200) throw new Error(`history of ${ref}: HTTP ${response.status}`);
    const page = (await response.json()) as { items: HistoryItem[]; pageInfo: { nextCursor?: string } };
    items.push(...page.items);
    cursor = page.pageInfo.nextCursor;
  } while (cursor);
  return items.reverse();
}

/** What is wrong with one entity's history, oldest first, against what is served now. */
function historyProblems(
  ref: string,
  repo: string,
  history: HistoryItem[],
  served: Served['entity'] | undefined,
  commitIndex: Map<string, { repo: string; index: number }>,
): string[] {
  const problems: string[] = [];
  if (history.length === 0) return [`${ref}: no history`];
  if (new Set(history.map((h) => h.id)).size !== history.length) problems.push(`${ref}: a change recorded twice`);
  // Folding the patches from nothing must give what is served: a missing change breaks the chain.
  let state: Record<string, unknown> = {};
  let exists = false;
  let lastCommit = -1;
  for (const item of history) {
    if ((item.type === 'created') === exists) problems.push(`${ref}: ${item.type} while the entity ${exists ? 'existed' : 'did not exist'}`);
    exists = item.type !== 'deleted';
    try {
      state = applyPatch(deepClone(state), item.patch, true, false).newDocument;
    } catch (err) {
      problems.push(`${ref}: change ${item.id} does not apply to the one before it (${(err as Error).message.split('\n')[0]})`);
      return problems;
    }
    const commit = commitIndex.get(item.source.commitSha);
    if (item.causeEntityRef.toLowerCase() === ref && commit && commit.repo === repo) {
      if (commit.index < lastCommit) problems.push(`${ref}: commit #${commit.index} recorded after commit #${lastCommit}`);
      lastCommit = Math.max(lastCommit, commit.index);
    }
  }
  // Compared by patch, not isDeepStrictEqual: under jest the parsed responses and the fold's
  // objects come from different realms, whose prototypes differ.
  const off = compare(state, served ?? {});
  if (off.length > 0) {
    const shown = off.slice(0, 3).map((op) => `${op.op} ${op.path}${'value' in op ? ` ${JSON.stringify(op.value).slice(0, 80)}` : ''}`);
    problems.push(`${ref}: its history does not add up to what is served (${shown.join('; ')})`);
  }
  return problems;
}

/** Every entity ever pushed: its history in order, without gaps or repeats, ending at what is served. */
async function checkHistories(
  queryUrl: string,
  everPushed: Map<string, { item: SyntheticEntity; repo: PipelineRepo }>,
  truth: Map<string, SyntheticEntity>,
  commitIndex: Map<string, { repo: string; index: number }>,
  log: (line: string) => void,
): Promise<HistoryResult> {
  // The history is recorded right after publication: a moment behind what is served.
  const deadline = performance.now() + 60_000;
  for (;;) {
    const served = (await servedCatalog(queryUrl)) ?? new Map();
    let entries = 0;
    const problems: string[] = [];
    for (const [ref, { repo }] of everPushed) {
      const history = await historyOf(queryUrl, ref);
      entries += history.length;
      problems.push(...historyProblems(ref, repo.fullName, history, truth.has(ref) ? served.get(ref) : undefined, commitIndex));
    }
    if (problems.length === 0 || performance.now() > deadline) {
      log(`history of ${everPushed.size} entities (${entries} changes): ${problems.length === 0 ? 'complete and in order' : `${problems.length} problems: ${problems.slice(0, 5).join('; ')}`}`);
      return { entities: everPushed.size, entries, problems };
    }
    await sleep(2000);
  }
}
