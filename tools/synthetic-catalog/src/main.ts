/**
 * Writes a synthetic catalog to disk, e.g. to load the same data into Backstage's own catalog
 * for a side-by-side comparison.
 *
 *   node dist/tools/synthetic-catalog/src/main.js --out DIR [--entities 100000] [--seed callboard] [--format repos|yaml|ndjson]
 *
 * repos (default): DIR/<owner>/<repo>/catalog-info.yaml, one multi-document file per repository,
 *   as the repositories would hold them; plus DIR/locations.yaml, a Backstage Location entity
 *   listing every file (register that one file with Backstage).
 * yaml: DIR/catalog.yaml, every entity in one multi-document file.
 * ndjson: DIR/catalog.ndjson, one `{ ref, repository, path, entity }` per line.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { DEFAULT_ENTITY_COUNT, DEFAULT_SEED, generateCatalog, SyntheticEntity } from './generate-catalog';

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : undefined;
}

const toYaml = (items: SyntheticEntity[]) => items.map((item) => stringify(item.entity, { lineWidth: 0 })).join('---\n');

function main(): void {
  const out = argument('out');
  if (!out) {
    console.error('usage: main.js --out DIR [--entities N] [--seed S] [--format repos|yaml|ndjson]');
    process.exit(2);
  }
  const entities = Number(argument('entities') ?? DEFAULT_ENTITY_COUNT);
  const seed = argument('seed') ?? DEFAULT_SEED;
  const format = argument('format') ?? 'repos';
  const catalog = generateCatalog({ entities, seed });
  mkdirSync(out, { recursive: true });
  if (format === 'ndjson') {
    writeFileSync(path.join(out, 'catalog.ndjson'), catalog.entities.map((e) => JSON.stringify(e)).join('\n') + '\n');
  } else if (format === 'yaml') {
    writeFileSync(path.join(out, 'catalog.yaml'), toYaml(catalog.entities));
  } else if (format === 'repos') {
    const files = new Map<string, SyntheticEntity[]>();
    for (const item of catalog.entities) {
      const file = path.join(item.repository, item.path);
      files.set(file, [...(files.get(file) ?? []), item]);
    }
    for (const [file, items] of files) {
      mkdirSync(path.dirname(path.join(out, file)), { recursive: true });
      writeFileSync(path.join(out, file), toYaml(items));
    }
    const location = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Location',
      metadata: { name: `synthetic-${catalog.org}`, description: `Synthetic catalog, ${entities} entities, seed "${seed}"` },
      spec: { targets: [...files.keys()].map((file) => `./${file}`) },
    };
    writeFileSync(path.join(out, 'locations.yaml'), stringify(location, { lineWidth: 0 }));
  } else {
    console.error(`unknown --format "${format}" (repos, yaml or ndjson)`);
    process.exit(2);
  }
  console.log(`wrote ${catalog.entities.length} entities (${Object.entries(catalog.counts).map(([k, v]) => `${v} ${k}`).join(', ')}) to ${out} as ${format}`);
}

main();
