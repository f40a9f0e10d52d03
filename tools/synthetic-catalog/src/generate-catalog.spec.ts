import { createHash } from 'node:crypto';
import {
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  domainEntityV1alpha1Validator,
  Entity,
  EntityPolicies,
  FieldFormatEntityPolicy,
  groupEntityV1alpha1Validator,
  NoForeignRootFieldsEntityPolicy,
  resourceEntityV1alpha1Validator,
  SchemaValidEntityPolicy,
  systemEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
} from '@backstage/catalog-model';
import { entityEventV1Schema } from '@callboard/contracts';
import { emitRelations, validateEntity } from '@callboard/entity-model';
import { countsFor, generateCatalog, KINDS, SyntheticCatalog } from './generate-catalog';
import { upsertEventOf } from './entity-events';

const digest = (catalog: SyntheticCatalog) => createHash('sha256').update(JSON.stringify(catalog)).digest('hex');

// One mid-sized catalog for the whole file: the checks are over every entity of it.
const catalog = generateCatalog({ entities: 5000, seed: 'spec' });

describe('synthetic catalog generator', () => {
  it('is deterministic for a seed and count, and differs for another seed', () => {
    expect(digest(generateCatalog({ entities: 5000, seed: 'spec' }))).toBe(digest(catalog));
    expect(digest(generateCatalog({ entities: 5000, seed: 'other' }))).not.toBe(digest(catalog));
    expect(digest(generateCatalog({ entities: 300 }))).toBe(digest(generateCatalog({ entities: 300 })));
  });

  it('produces exactly the requested number of entities, in a large company\'s proportions', () => {
    expect(catalog.entities).toHaveLength(5000);
    const byKind = new Map<string, number>();
    for (const { entity } of catalog.entities) byKind.set(entity.kind, (byKind.get(entity.kind) ?? 0) + 1);
    for (const kind of KINDS) expect(byKind.get(kind)).toBe(catalog.counts[kind]);
    const share = (kind: string) => (byKind.get(kind) ?? 0) / 5000;
    expect(share('Component') + share('API')).toBeGreaterThan(0.55);
    expect(share('User')).toBeCloseTo(0.25, 2);
    for (const kind of ['Group', 'System', 'Resource']) expect(share(kind)).toBeLessThan(0.1);
    expect(countsFor(100_000)).toEqual({ Domain: 200, System: 2500, Group: 3000, User: 25000, Resource: 6000, API: 20000, Component: 43300 });
    expect(() => countsFor(10)).toThrow(/>= 20/);
  });

  it('gives every entity a unique ref (case-insensitively) matching its kind and name', () => {
    const refs = catalog.entities.map((e) => e.ref);
    expect(new Set(refs).size).toBe(refs.length);
    for (const { ref, entity } of catalog.entities) {
      expect(ref).toBe(`${entity.kind}:default/${entity.metadata.name}`.toLowerCase());
    }
  });

  it('passes Backstage validation: the catalog-model policies and kind validators, and Callboard\'s processing', async () => {
    const policy = EntityPolicies.allOf([new SchemaValidEntityPolicy(), new NoForeignRootFieldsEntityPolicy(), new FieldFormatEntityPolicy()]);
    const validators: Record<string, { check(e: Entity): Promise<boolean> }> = {
      Component: componentEntityV1alpha1Validator,
      API: apiEntityV1alpha1Validator,
      Resource: resourceEntityV1alpha1Validator,
      Group: groupEntityV1alpha1Validator,
      User: userEntityV1alpha1Validator,
      System: systemEntityV1alpha1Validator,
      Domain: domainEntityV1alpha1Validator,
    };
    // Every kind, with a stride over the rest so the sample covers the whole catalog.
    const sample = catalog.entities.filter((_, i) => i % 7 === 0);
    for (const kind of KINDS) sample.push(...catalog.entities.filter((e) => e.entity.kind === kind).slice(0, 20));
    for (const { ref, entity } of sample) {
      await expect(policy.enforce(structuredClone(entity))).resolves.toBeDefined();
      expect([ref, await validators[entity.kind].check(structuredClone(entity))]).toEqual([ref, true]);
      const processed = await validateEntity(structuredClone(entity));
      expect([ref, processed.ok ? 'ok' : processed.error]).toEqual([ref, 'ok']);
    }
  });

  it('has every relation target in the catalog (referential integrity)', () => {
    const refs = new Set(catalog.entities.map((e) => e.ref));
    const missing: string[] = [];
    let relations = 0;
    for (const { entity } of catalog.entities) {
      for (const row of emitRelations(entity)) {
        relations += 1;
        if (!refs.has(row.source.toLowerCase())) missing.push(`${row.target} -> ${row.source}`);
        if (!refs.has(row.target.toLowerCase())) missing.push(`${row.source} -> ${row.target}`);
      }
    }
    expect(missing).toEqual([]);
    // Realistic density: on average several relation rows per entity.
    expect(relations / catalog.entities.length).toBeGreaterThan(3);
  });

  it('keeps the group hierarchy consistent: one root, parent and children agree, no cycles', () => {
    const groups = new Map(catalog.entities.filter((e) => e.entity.kind === 'Group').map((e) => [e.entity.metadata.name, e.entity.spec as { parent?: string; children: string[]; type: string }]));
    const roots = [...groups.entries()].filter(([, spec]) => !spec.parent);
    expect(roots).toHaveLength(1);
    expect(roots[0][1].type).toBe('organization');
    for (const [name, spec] of groups) {
      for (const child of spec.children) expect(groups.get(child)?.parent).toBe(name);
      if (spec.parent) expect(groups.get(spec.parent)?.children).toContain(name);
      const seen = new Set<string>();
      for (let at: string | undefined = name; at; at = groups.get(at)?.parent) {
        expect(seen.has(at)).toBe(false);
        seen.add(at);
      }
    }
    const users = catalog.entities.filter((e) => e.entity.kind === 'User');
    for (const { entity } of users) expect((entity.spec as { memberOf: string[] }).memberOf.length).toBeGreaterThan(0);
  });

  it('looks like a real catalog: component types, lifecycles, API types, annotation keys with dots and slashes', () => {
    const specs = (kind: string) => catalog.entities.filter((e) => e.entity.kind === kind).map((e) => e.entity.spec as Record<string, unknown>);
    const values = (kind: string, field: string) => new Set(specs(kind).map((s) => s[field]));
    expect([...values('Component', 'type')]).toEqual(expect.arrayContaining(['service', 'website', 'library']));
    expect([...values('Component', 'lifecycle')]).toEqual(expect.arrayContaining(['production', 'experimental', 'deprecated']));
    expect([...values('API', 'type')]).toEqual(expect.arrayContaining(['openapi', 'grpc', 'asyncapi']));
    expect(specs('Component').some((s) => Array.isArray(s.providesApis))).toBe(true);
    expect(specs('Component').some((s) => Array.isArray(s.consumesApis))).toBe(true);
    expect(specs('Component').some((s) => (s.dependsOn as string[] | undefined)?.some((d) => d.startsWith('resource:')))).toBe(true);
    const annotationKeys = new Set(catalog.entities.flatMap((e) => Object.keys(e.entity.metadata.annotations ?? {})));
    expect([...annotationKeys]).toEqual(expect.arrayContaining(['github.com/project-slug', 'backstage.io/techdocs-ref']));
    const component = catalog.entities.find((e) => e.entity.kind === 'Component')!.entity;
    expect(component.metadata.title).toBeTruthy();
    expect(component.metadata.description).toMatch(/\.$/);
    expect(Object.keys(component.metadata.labels ?? {})).toEqual(expect.arrayContaining(['acme.com/tier']));
  });

  it('turns each entity into a valid entity-event upsert keyed by its ref, from its repository file', () => {
    for (const item of catalog.entities.slice(0, 200)) {
      const event = upsertEventOf(catalog.seed, item);
      expect(entityEventV1Schema.safeParse(event).success).toBe(true);
      expect(event.entityRef).toBe(item.ref);
      expect(event.location.target).toBe(`https://github.com/${item.repository}/blob/main/catalog-info.yaml`);
    }
  });
});
