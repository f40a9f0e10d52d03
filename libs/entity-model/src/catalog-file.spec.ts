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

  it('treats a second declaration of the same ref in one file as an error', async () => {
    const file = await parseCatalogFile(`${component('dup')}---\n${component('DUP')}`);
    expect(file.entities.size).toBe(1);
    expect(file.errors[0].message).toMatch(/duplicate entity component:default\/dup/);
  });

  it('refuses alias bombs instead of expanding them', async () => {
    const bomb = `a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n`;
    const file = await parseCatalogFile(bomb);
    expect(file.entities.size).toBe(0);
    expect(file.errors[0].message).toMatch(/invalid YAML/);
  });
});
