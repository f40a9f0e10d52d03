import { parseCatalogFile } from './catalog-file';

const component = (name: string, extra = '') => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}${extra}
spec:
  type: service
  lifecycle: production
  owner: team-a
`;

describe('parseCatalogFile', () => {
  it('returns every valid entity of a multi-document file, keyed by lowercased ref', async () => {
    const file = await parseCatalogFile(`${component('Alpha')}---\n${component('beta')}`);
    expect([...file.entities.keys()]).toEqual(['component:default/alpha', 'component:default/beta']);
    expect(file.entities.get('component:default/alpha')?.metadata.namespace).toBe('default');
    expect(file.errors).toEqual([]);
  });

  it('keeps valid documents next to an invalid one and reports the invalid one by index', async () => {
    const invalid = `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: "not a valid name!"\nspec:\n  type: service\n  lifecycle: production\n  owner: x\n`;
    const file = await parseCatalogFile(`${component('one')}---\n${invalid}---\n${component('three')}`);
    expect([...file.entities.keys()]).toEqual(['component:default/one', 'component:default/three']);
    expect(file.errors).toHaveLength(1);
    expect(file.errors[0].index).toBe(1);
    expect(file.errors[0].message).toMatch(/name/);
  });

  it('rejects a component without its required spec fields, as Backstage does', async () => {
    const file = await parseCatalogFile(`apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: x\nspec:\n  type: service\n`);
    expect(file.entities.size).toBe(0);
    expect(file.errors[0].message).toMatch(/lifecycle|owner/);
  });

  it('rejects unknown kinds and non-mapping documents, and skips empty documents', async () => {
    const file = await parseCatalogFile(`---\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n---\n- a list\n---\n`);
    expect(file.entities.size).toBe(0);
    expect(file.errors.map((e) => e.index)).toEqual([0, 1]);
    expect(file.errors[0].message).toMatch(/unsupported kind/);
    expect(file.errors[1].message).toMatch(/not a YAML mapping/);
  });

  it('reports broken YAML without losing the other documents', async () => {
    const file = await parseCatalogFile(`${component('ok')}---\nmetadata: [unclosed\n`);
    expect([...file.entities.keys()]).toEqual(['component:default/ok']);
    expect(file.errors[0].message).toMatch(/invalid YAML/);
  });

  it('lets the last declaration of a ref win, without an error, as Backstage does', async () => {
    // Backstage writes each document to the same refresh-state row in turn; the last one stays.
    const file = await parseCatalogFile(`${component('dup')}---\n${component('other')}---\n${component('DUP', '\n  title: Second')}`);
    expect([...file.entities.keys()]).toEqual(['component:default/other', 'component:default/dup']);
    expect(file.entities.get('component:default/dup')?.metadata).toMatchObject({ name: 'DUP', title: 'Second' });
    expect(file.errors).toEqual([]);
  });

  it('drops an earlier declaration that a later, invalid one of the same ref replaces', async () => {
    const invalid = `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: dup\nspec:\n  type: service\n`;
    const file = await parseCatalogFile(`${component('dup')}---\n${invalid}---\n${component('keep')}`);
    expect([...file.entities.keys()]).toEqual(['component:default/keep']);
    expect(file.errors.map((e) => e.index)).toEqual([1]);
  });

  it('does not resolve YAML merge keys, as Backstage (merge disabled) does not', async () => {
    const file = await parseCatalogFile(
      `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: m\n  labels: &l { a: b }\n  annotations:\n    <<: *l\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n`,
    );
    // The literal `<<` key is not a valid annotation key, so the document is rejected rather than merged.
    expect(file.entities.size).toBe(0);
    expect(file.errors).toHaveLength(1);
  });

  it('rejects an entity whose keys differ only in casing, which Backstage can never stitch', async () => {
    const file = await parseCatalogFile(component('case', '\n  labels:\n    tier: a\n    Tier: b'));
    expect(file.entities.size).toBe(0);
    expect(file.errors[0].message).toMatch(/duplicate keys that vary only in casing, 'metadata.labels.tier'/);
  });

  it('refuses alias bombs instead of expanding them', async () => {
    const bomb = `a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n`;
    const file = await parseCatalogFile(bomb);
    expect(file.entities.size).toBe(0);
    expect(file.errors[0].message).toMatch(/invalid YAML/);
  });
});
