import type { Entity } from '@callboard/entity-model';
import type { RecordedFile } from './repository-record';
import { currentReadVersion, newestPublishedVersion, planSync, ReadFile } from './sync-plan';

const base = 'https://github.com/acme/shop/blob/main';
const component = (name: string): Entity => ({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name }, spec: { type: 'service', lifecycle: 'production', owner: 'team' } });
const read = (path: string, names: string[], extra: Partial<ReadFile> = {}): ReadFile => ({
  path,
  originPath: path,
  location: { type: 'url', target: `${base}/${path}` },
  originLocation: { type: 'url', target: `${base}/${path}` },
  entities: new Map(names.map((n) => [`component:default/${n}`, component(n)])),
  invalid: false,
  ...extra,
});
const recorded = (path: string, names: string[], extra: Partial<RecordedFile> = {}): RecordedFile => ({
  path,
  originPath: path,
  target: `${base}/${path}`,
  refs: names.map((n) => `component:default/${n}`),
  commitSha: 'a'.repeat(40),
  sourceVersion: 100,
  ...extra,
});
const head = { sha: 'b'.repeat(40), sourceVersion: 200 };
const refs = (items: Array<{ ref: string }>) => items.map((i) => i.ref);

describe('planSync', () => {
  it('removes what a file no longer declares and upserts what it declares', () => {
    const plan = planSync({ recorded: [recorded('catalog-info.yaml', ['a', 'b'])], read: [read('catalog-info.yaml', ['b', 'c'])], head });
    expect(refs(plan.removals)).toEqual(['component:default/a']);
    expect(refs(plan.upserts)).toEqual(['component:default/b', 'component:default/c']);
    expect(plan.final.put).toEqual([{ ...recorded('catalog-info.yaml', ['b', 'c']), commitSha: head.sha, sourceVersion: 200 }]);
    // Until published, the record keeps every ref that may be in the catalog.
    expect(plan.pending[0].refs).toEqual(['component:default/a', 'component:default/b', 'component:default/c']);
  });

  it('removes everything a recorded file in scope declared when it is gone', () => {
    const plan = planSync({ recorded: [recorded('catalog-info.yaml', ['a']), recorded('services/x/catalog-info.yaml', ['x'])], read: [read('catalog-info.yaml', ['a'])], head });
    expect(plan.removals).toEqual([{ ref: 'component:default/x', location: { type: 'url', target: `${base}/services/x/catalog-info.yaml` }, path: 'services/x/catalog-info.yaml' }]);
    expect(plan.final.remove).toEqual(['services/x/catalog-info.yaml']);
  });

  it('also removes what the file declared at the previous head, recorded or not', () => {
    const plan = planSync({ recorded: [], read: [read('catalog-info.yaml', ['b'], { previousRefs: ['component:default/a', 'component:default/b'] })], head });
    expect(refs(plan.removals)).toEqual(['component:default/a']);
  });

  it('hands entities of a moved file over to the new location, removals still from the old one', () => {
    const renamed = 'https://github.com/acme/store/blob/main/catalog-info.yaml';
    const plan = planSync({
      recorded: [recorded('catalog-info.yaml', ['a', 'b'])],
      read: [read('catalog-info.yaml', ['a'], { location: { type: 'url', target: renamed }, originLocation: { type: 'url', target: renamed } })],
      head,
    });
    expect(plan.upserts).toEqual([expect.objectContaining({ ref: 'component:default/a', location: { type: 'url', target: renamed }, supersedesLocation: { type: 'url', target: `${base}/catalog-info.yaml` } })]);
    expect(plan.removals).toEqual([expect.objectContaining({ ref: 'component:default/b', location: { type: 'url', target: `${base}/catalog-info.yaml` } })]);
    expect(plan.pending[0].target).toBe(`${base}/catalog-info.yaml`);
    expect(plan.final.put[0].target).toBe(renamed);
  });

  it('removes nothing from a file with a broken document, and keeps remembering its refs', () => {
    const plan = planSync({ recorded: [recorded('catalog-info.yaml', ['a', 'b'])], read: [read('catalog-info.yaml', ['b'], { invalid: true })], head });
    expect(plan.removals).toEqual([]);
    expect(plan.final.put[0].refs).toEqual(['component:default/a', 'component:default/b']);
  });

  it('leaves files recorded by a newer sync alone', () => {
    const newer = { sourceVersion: 300 };
    const plan = planSync({ recorded: [recorded('catalog-info.yaml', ['a'], newer), recorded('gone.yaml', ['g'], newer)], read: [read('catalog-info.yaml', ['b'])], head });
    expect(plan).toEqual({ removals: [], upserts: [], pending: [], final: { put: [], remove: [] } });
  });
});

describe('versions of reads of the branch as it is now', () => {
  it('outrank every version published for the repository, removed files and repositories included', () => {
    const record = { files: [recorded('a.yaml', ['a'], { sourceVersion: 500 }), recorded('b.yaml', ['b'], { sourceVersion: 700 })], versionFloor: 900 };
    expect(newestPublishedVersion(record)).toBe(900);
    expect(newestPublishedVersion({ ...record, versionFloor: 0 })).toBe(700);
    expect(newestPublishedVersion({ files: [], versionFloor: 0 }, [recorded('c.yaml', ['c'], { sourceVersion: 800 })])).toBe(800);
    // A head commit older than the last push (a force-push back) still comes out newer.
    expect(currentReadVersion(record, 100)).toBe(901);
    // A head committed after everything published keeps its own time.
    expect(currentReadVersion(record, 5_000)).toBe(5_000);
    // A repository archived after its last push, then unarchived: newer than the removals.
    expect(currentReadVersion({ files: [], versionFloor: 700 }, 650)).toBe(701);
    expect(currentReadVersion(null, 650)).toBe(650);
  });

  it('upserts on a push only what changed since it was published, everything on a read of the branch as it is now', () => {
    const hashes = (entries: Record<string, string>) => new Map(Object.entries(entries).map(([n, h]) => [`component:default/${n}`, h]));
    const file = read('catalog-info.yaml', ['a', 'b', 'c'], { hashes: hashes({ a: 'h-a', b: 'h-b2', c: 'h-c' }) });
    const known = recorded('catalog-info.yaml', ['a', 'b'], { hashes: ['h-a', 'h-b1'] });
    const push = planSync({ recorded: [known], read: [file], head });
    // a is as published; b changed; c is new.
    expect(refs(push.upserts)).toEqual(['component:default/b', 'component:default/c']);
    expect(push.final.put[0]).toMatchObject({ refs: ['component:default/a', 'component:default/b', 'component:default/c'], hashes: ['h-a', 'h-b2', 'h-c'] });
    // Until published the record claims no hashes: a crash before the final record publishes everything again.
    expect(push.pending[0].hashes).toBeUndefined();

    const now = planSync({ recorded: [known], read: [file], head, publishUnchanged: true });
    expect(refs(now.upserts)).toEqual(['component:default/a', 'component:default/b', 'component:default/c']);
    // A record from before hashes publishes everything.
    expect(refs(planSync({ recorded: [recorded('catalog-info.yaml', ['a'])], read: [file], head }).upserts)).toHaveLength(3);
  });
});
