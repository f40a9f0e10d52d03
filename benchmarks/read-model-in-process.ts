/**
 * The query service's read model without servers: builds the synthetic catalog's served
 * entities with the catalog's own functions, loads them into a
 * CatalogIndex, and reports the heap after GC and per-operation timings of the benchmark's five
 * scenarios, rendered as the query service renders them. For iterating on libs/catalog-index
 * before confirming with `npm run bench:query`.
 *
 *   npm run bench:read-model [-- --entities 100000 --iterations 2000]
 *
 * The served JSON of a dataset is cached under os.tmpdir() (keyed by seed and size), so later
 * runs skip the projection.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CatalogIndex, CatalogQueries, filterParamsToPredicate } from '@callboard/catalog-index';
import type { Entity } from '@callboard/entity-model';
import { JsonBody } from '../apps/query/src/http/json-body';
import { DEFAULT_SEED, generateCatalog, Random } from '../tools/synthetic-catalog/src';
import { numberArgument, stringArgument } from './support/arguments';
import { servedInMemory } from './support/served-in-memory';

const gc = (globalThis as { gc?: () => void }).gc;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

function heapAfterGc(): { heap: number; external: number; rss: number } {
  for (let i = 0; i < 3; i++) gc?.();
  const usage = process.memoryUsage();
  return { heap: usage.heapUsed, external: usage.arrayBuffers, rss: usage.rss };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

async function servedJson(entities: number, seed: string): Promise<string[]> {
  const file = join(tmpdir(), `callboard-served-${seed}-${entities}.ndjson`);
  if (existsSync(file)) return readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const catalog = generateCatalog({ entities, seed });
  const lines = (await servedInMemory(catalog)).map((entity) => JSON.stringify(entity));
  writeFileSync(file, `${lines.join('\n')}\n`);
  return lines;
}

async function main(): Promise<void> {
  const entities = numberArgument('entities', 100_000);
  const iterations = numberArgument('iterations', 2000);
  const seed = stringArgument('seed', DEFAULT_SEED);
  if (!gc) console.log('(run with --expose-gc for heap figures)');

  const lines = await servedJson(entities, seed);
  const jsonBytes = lines.reduce((sum, line) => sum + line.length, 0);
  const random = new Random(`${seed}/in-process`);
  const componentNames: string[] = [];
  const refs: string[] = [];
  const words = new Map<string, number>();
  for (const json of lines) {
    const e = JSON.parse(json) as Entity;
    refs.push(`${e.kind}:${e.metadata.namespace ?? 'default'}/${e.metadata.name}`.toLowerCase());
    if (e.kind === 'Component') componentNames.push(e.metadata.name);
    for (const w of e.metadata.name.split(/[-_.]/)) if (w.length >= 4 && /^[a-z]+$/.test(w)) words.set(w, (words.get(w) ?? 0) + 1);
  }
  const names = random.sample(componentNames, Math.min(5000, componentNames.length));
  const refSets = Array.from({ length: 200 }, () => random.sample(refs, 100));
  const terms = [...words.entries()].sort((a, b) => b[1] - a[1]).slice(0, 50).map(([w]) => w);

  const before = heapAfterGc();
  const loadStarted = performance.now();
  const index = new CatalogIndex();
  // Each text copied, as the read model's texts come from the database driver one by one.
  for (let n = 0; n < lines.length; n++) {
    const json = lines[n];
    index.upsert(JSON.parse(json) as Entity, json);
    lines[n] = '';
  }
  const loadMs = performance.now() - loadStarted;
  const queries = new CatalogQueries(index);
  const after = heapAfterGc();
  console.log(
    `${index.size} entities (${mb(jsonBytes)} of JSON) loaded in ${(loadMs / 1000).toFixed(1)} s; after GC: heap ${mb(after.heap)} ` +
      `(${mb(after.heap - before.heap)} more than before the load), array buffers outside the heap ${mb(after.external)}, rss ${mb(after.rss)}`,
  );

  const items = (ids: Array<number | null>) => ids.map((id) => (id === null ? 'null' : index.get(id)!.text));
  const serviceFilter = filterParamsToPredicate(['kind=component,spec.type=service']);
  const componentFilter = filterParamsToPredicate(['kind=component']);
  let i = 0;
  const operations: Record<string, () => number> = {
    'by-query': () => {
      const page = queries.queryEntities({ query: serviceFilter, orderFields: [{ field: 'metadata.name', order: 'asc' }], limit: 50 });
      return new JsonBody().text('{"items":').array(items(page.ids)).text(`,"totalItems":${page.totalItems},"pageInfo":${JSON.stringify({ nextCursor: page.nextCursor })}}`).toBuffer().length;
    },
    'by-name': () => index.getByRef(`component:default/${names[i++ % names.length]}`)!.text.length,
    'by-refs': () => new JsonBody().text('{"items":').array(items(queries.byRefs(refSets[i++ % refSets.length], undefined))).text('}').toBuffer().length,
    facets: () => JSON.stringify({ facets: queries.facets(['spec.type'], componentFilter) }).length,
    'full-text': () => {
      const page = queries.queryEntities({ fullTextFilter: { term: terms[i++ % terms.length], fields: ['metadata.name', 'metadata.title'] }, limit: 50 });
      return new JsonBody().text('{"items":').array(items(page.ids)).text(`,"totalItems":${page.totalItems},"pageInfo":${JSON.stringify({ nextCursor: page.nextCursor })}}`).toBuffer().length;
    },
  };
  for (const [name, operation] of Object.entries(operations)) {
    for (let w = 0; w < Math.min(200, iterations); w++) operation();
    const heapBefore = process.memoryUsage().heapUsed;
    const times: number[] = [];
    let bytes = 0;
    const started = performance.now();
    for (let n = 0; n < iterations; n++) {
      const t = performance.now();
      bytes += operation();
      times.push(performance.now() - t);
    }
    const total = performance.now() - started;
    times.sort((a, b) => a - b);
    console.log(
      `${name.padEnd(10)} p50 ${percentile(times, 50).toFixed(2)} ms, p99 ${percentile(times, 99).toFixed(2)} ms, max ${times[times.length - 1].toFixed(1)} ms, ` +
        `${(iterations / (total / 1000)).toFixed(0)} ops/s, ~${((process.memoryUsage().heapUsed - heapBefore) / iterations / 1024).toFixed(0)} KB heap growth/op, ${(bytes / iterations / 1024).toFixed(0)} KB/response`,
    );
  }
  const end = heapAfterGc();
  console.log(`heap after the operations and GC: ${mb(end.heap)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
