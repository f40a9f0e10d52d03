/**
 * Drives the real pipeline for benchmarks and the chaos suite: the GitHub stand-in in this
 * process, the three services as processes from dist, synthetic repositories whose
 * `catalog-info.yaml` is committed to the stand-in and announced by a signed push webhook.
 */
import retry from 'async-retry';
import { randomUUID } from 'node:crypto';
import { stringify } from 'yaml';
import { GitHubStandIn, sendWebhook } from '@callboard/github-stand-in';
import type { SyntheticEntity } from '../../tools/synthetic-catalog/src';
import { ServiceProcess, spawnService } from './process-harness';

export const API = '/api/catalog';
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export type ServiceName = 'ingestion' | 'catalog' | 'query';
export const SERVICE_NAMES: readonly ServiceName[] = ['catalog', 'ingestion', 'query'];

export interface PipelineRepo {
  fullName: string;
  items: SyntheticEntity[];
}

// Each entity's YAML, kept: a push rewrites one entity of its file, and the load generator must
// not spend more CPU than the system it measures.
const yamlOf = new WeakMap<SyntheticEntity['entity'], string>();
export function fileOf(items: SyntheticEntity[]): string {
  return items
    .map((item) => {
      let text = yamlOf.get(item.entity);
      if (text === undefined) yamlOf.set(item.entity, (text = stringify(item.entity, { lineWidth: 0 })));
      return text;
    })
    .join('---\n');
}

/** The generator's files, dealt over `count` repositories (each repository's file holds what several of the generator's would). */
export function repositoriesOf(entities: SyntheticEntity[], count: number, org: string): PipelineRepo[] {
  const byOriginal = new Map<string, SyntheticEntity[]>();
  for (const item of entities) byOriginal.set(item.repository, [...(byOriginal.get(item.repository) ?? []), item]);
  const repos: PipelineRepo[] = Array.from({ length: count }, (_, i) => ({ fullName: `${org}/repo-${String(i).padStart(5, '0')}`, items: [] }));
  let next = 0;
  for (const items of byOriginal.values()) {
    repos[next % count].items.push(...items);
    next += 1;
  }
  return repos.filter((r) => r.items.length > 0);
}

export interface PipelineOptions {
  secret: string;
  /** Node flags per service (heap caps, CPU profiles). */
  nodeFlags?: Partial<Record<ServiceName, readonly string[]>>;
  readyTimeoutMs?: number;
}

export class PipelineDriver {
  readonly github = new GitHubStandIn({ htmlUrl: 'https://github.com' });
  readonly services = new Map<ServiceName, ServiceProcess>();
  env!: Record<string, string>;
  repos: PipelineRepo[] = [];

  constructor(protected readonly options: PipelineOptions) {}

  get ingestion(): ServiceProcess {
    return this.service('ingestion');
  }
  get catalog(): ServiceProcess {
    return this.service('catalog');
  }
  get query(): ServiceProcess {
    return this.service('query');
  }

  service(name: ServiceName): ServiceProcess {
    const service = this.services.get(name);
    if (!service) throw new Error(`${name} is not running`);
    return service;
  }

  /** Starts the stand-in (holding `repos`) and the services, catalog first so that it is in its group before the first event. */
  async start(env: Record<string, string>, repos: PipelineRepo[]): Promise<void> {
    this.repos = repos;
    for (const repo of repos) this.github.createRepository(repo.fullName);
    const githubUrl = await this.github.start();
    this.env = { NODE_ENV: 'production', RECONCILE_INTERVAL_MINUTES: '0', ...env, GITHUB_WEBHOOK_SECRET: this.options.secret, GITHUB_API_URL: githubUrl };
    for (const name of SERVICE_NAMES) await this.spawn(name);
  }

  /** Starts one service (again), replacing the process recorded for it. */
  async spawn(name: ServiceName): Promise<ServiceProcess> {
    const service = await spawnService(name, this.env, { readyTimeoutMs: this.options.readyTimeoutMs ?? 120_000, nodeFlags: this.options.nodeFlags?.[name] });
    this.services.set(name, service);
    return service;
  }

  /** SIGTERM to every service, then the stand-in; resolves with each service's output. */
  async stop(): Promise<Map<ServiceName, string>> {
    const outputs = new Map<ServiceName, string>();
    await Promise.all(
      [...this.services].map(async ([name, service]) => {
        await service.stop();
        outputs.set(name, service.output());
      }),
    );
    await this.github.stop();
    return outputs;
  }

  /** Entities the query API serves now. */
  async servedCount(url = this.query.url): Promise<number> {
    const response = await fetch(`${url}${API}/entities/by-query?limit=1`);
    return ((await response.json()) as { totalItems: number }).totalItems;
  }

  /** Commits the repository's file as it is now and sends its push webhook once. */
  async push(repo: PipelineRepo): Promise<{ status: number; acceptedAt: number }> {
    const { payload } = this.commit(repo);
    // A connection the server closed as it was reused fails before any answer: GitHub would
    // redeliver, with the same delivery id, and so does the driver.
    const deliveryId = randomUUID();
    const result = await retry(() => sendWebhook({ url: `${this.ingestion.url}/webhooks/github`, secret: this.options.secret, event: 'push', payload, deliveryId }), { retries: 3, minTimeout: 200 });
    return { status: result.status, acceptedAt: performance.now() };
  }

  commit(repo: PipelineRepo): ReturnType<GitHubStandIn['commit']> {
    const result = this.github.commit(repo.fullName, { files: { 'catalog-info.yaml': fileOf(repo.items) } });
    // The stand-in keeps every request for tests; a driver only needs the files.
    this.github.requests.length = 0;
    return result;
  }
}
