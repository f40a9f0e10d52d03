import { CatalogFileDocumentError, parseCatalogFile } from './catalog-file';
import { DocumentProblem } from './document-problems';

// A valid component, then the document under test: problems are placed by document and line.
const valid = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: checkout
spec:
  type: service
  lifecycle: production
  owner: team-a
`;

async function problemOf(second: string, options: { path?: string } = {}): Promise<DocumentProblem> {
  const file = await parseCatalogFile(`${valid}---\n${second}`, options);
  expect([...file.entities.keys()]).toEqual(['component:default/checkout']);
  expect(file.errors.map((e: CatalogFileDocumentError) => e.index)).toEqual([1]);
  return file.errors[0].problem;
}

describe('problems a file author can fix, in their words, with the document and the line', () => {
  it('missing-field: a kind\'s required spec field, at the line of its parent', async () => {
    const problem = await problemOf('apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: payments\nspec:\n  type: service\n  lifecycle: production\n', {
      path: 'services/payments/catalog-info.yaml',
    });
    expect(problem).toEqual({
      documentIndex: 1,
      line: 14,
      field: 'spec.owner',
      ref: 'component:default/payments',
      code: 'missing-field',
      message: 'spec.owner is required for a Component (services/payments/catalog-info.yaml, document 2, line 14)',
      detail: "/spec must have required property 'owner' - missingProperty: owner",
    });
  });

  it('missing-field: an envelope field, and a missing spec', async () => {
    expect(await problemOf('apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  title: Payments\n')).toMatchObject({
      code: 'missing-field',
      field: 'metadata.name',
      line: 12,
      message: 'metadata.name is required (document 2, line 12)',
    });
    expect(await problemOf('apiVersion: backstage.io/v1alpha1\nmetadata:\n  name: x\n')).toMatchObject({
      code: 'missing-field',
      field: 'kind',
      message: expect.stringMatching(/^kind is required \(one of Component, API, .*Template\) \(document 2, line 10\)$/),
    });
    expect(await problemOf('apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata:\n  name: jane\n')).toMatchObject({
      code: 'missing-field',
      field: 'spec',
      ref: 'user:default/jane',
      message: 'spec is required for a User (document 2, line 10)',
    });
  });

  it('invalid-name: the name as written and the naming rule', async () => {
    const problem = await problemOf('apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: My Service\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n');
    expect(problem).toMatchObject({
      code: 'invalid-name',
      field: 'metadata.name',
      line: 13,
      message: `metadata.name "My Service" is not a valid name: use letters, digits, '-', '_' and '.' (starting and ending with a letter or digit), at most 63 characters (document 2, line 13)`,
      detail: expect.stringMatching(/^"metadata.name" is not valid; expected .* but found "My Service"/),
    });
  });

  it('unknown-kind: the kinds this catalog knows, a kind in the wrong case, an apiVersion the kind has not', async () => {
    const typo = await problemOf('apiVersion: backstage.io/v1alpha1\nkind: Componnet\nmetadata:\n  name: payments\nspec:\n  type: service\n');
    expect(typo).toMatchObject({
      code: 'unknown-kind',
      field: 'kind',
      line: 11,
      ref: 'componnet:default/payments',
      message: 'kind "Componnet" is not a kind this catalog knows (Component, API, Resource, System, Domain, Group, User, Location, Template) (document 2, line 11)',
    });
    expect(await problemOf('apiVersion: backstage.io/v1alpha1\nkind: component\nmetadata:\n  name: payments\n')).toMatchObject({
      code: 'unknown-kind',
      message: 'kind "component" is not a kind this catalog knows: kinds are case-sensitive, write "Component" (document 2, line 11)',
    });
    expect(await problemOf('apiVersion: backstage.io/v2\nkind: Component\nmetadata:\n  name: payments\n')).toMatchObject({
      code: 'unknown-kind',
      field: 'apiVersion',
      line: 10,
      message: 'apiVersion "backstage.io/v2" is not one this catalog knows for a Component: write "backstage.io/v1alpha1" (document 2, line 10)',
    });
  });

  it('reference-without-kind: dependsOn and dependencyOf have no default kind, as in Backstage; the entry and its line', async () => {
    const problem = await problemOf(
      'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: web\nspec:\n  type: website\n  lifecycle: production\n  owner: team-a\n  dependsOn:\n    - resource:db\n    - payments\n',
    );
    expect(problem).toEqual({
      documentIndex: 1,
      line: 20,
      field: 'spec.dependsOn[1]',
      ref: 'component:default/web',
      code: 'reference-without-kind',
      message: 'spec.dependsOn entry "payments" needs a kind: write "component:payments" or "resource:payments" (document 2, line 20)',
      detail: 'Entity reference "payments" had missing or empty kind (e.g. did not start with "component:" or similar)',
    });
    expect(await problemOf('apiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata:\n  name: db\nspec:\n  type: database\n  owner: team-a\n  dependencyOf: [web]\n')).toMatchObject({
      code: 'reference-without-kind',
      field: 'spec.dependencyOf[0]',
      line: 17,
    });
  });

  it('takes the default kind where Backstage does: an owner or an API without a kind is fine', async () => {
    const file = await parseCatalogFile(
      'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: web\nspec:\n  type: website\n  lifecycle: production\n  owner: team-a\n  providesApis: [web-api]\n  system: shop\n',
    );
    expect(file.errors).toEqual([]);
  });

  it('invalid-reference: a malformed reference and one that is not text', async () => {
    expect(await problemOf('apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: web\nspec:\n  type: website\n  lifecycle: production\n  owner: "group:"\n')).toMatchObject({
      code: 'invalid-reference',
      field: 'spec.owner',
      line: 17,
      message: 'spec.owner "group:" is not a valid entity reference: write [<kind>:][<namespace>/]<name>, such as "team-a" or "group:default/team-a" (document 2, line 17)',
    });
    expect(await problemOf('apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: g\nspec:\n  type: team\n  children: []\n  members: ["user:"]\n')).toMatchObject({
      code: 'invalid-reference',
      field: 'spec.members[0]',
    });
  });

  it('invalid-field: wrong types, empty values, bad tags, labels and annotations, foreign root fields', async () => {
    const component = (spec: string, metadata = '') => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: web\n${metadata}spec:\n${spec}`;
    expect(await problemOf(component('  type: service\n  lifecycle: production\n  owner: 5\n'))).toMatchObject({
      code: 'invalid-field',
      field: 'spec.owner',
      line: 17,
      message: 'spec.owner must be text, not the number 5 (document 2, line 17)',
    });
    expect(await problemOf(component('  type: ""\n  lifecycle: production\n  owner: a\n'))).toMatchObject({ field: 'spec.type', message: 'spec.type must not be empty (document 2, line 15)' });
    expect(await problemOf(component('  type: service\n  lifecycle: production\n  owner: a\n  dependsOn: resource:db\n'))).toMatchObject({
      field: 'spec.dependsOn',
      message: 'spec.dependsOn must be a list, not the text "resource:db" (document 2, line 18)',
    });
    expect(await problemOf(component('  type: service\n  lifecycle: production\n  owner: a\n', '  tags: [java, Spring Boot]\n'))).toMatchObject({
      field: 'metadata.tags[1]',
      line: 14,
      message: expect.stringMatching(/^metadata.tags\[1\] "Spring Boot" is not a valid tag: use lower-case letters/),
    });
    expect(await problemOf(component('  type: service\n  lifecycle: production\n  owner: a\n', '  annotations:\n    backstage.io/techdocs-ref: 1\n'))).toMatchObject({
      field: 'metadata.annotations.backstage.io/techdocs-ref',
      line: 15,
      message: 'metadata.annotations.backstage.io/techdocs-ref must be text, not the number 1 (document 2, line 15)',
    });
    expect(await problemOf(component('  type: service\n  lifecycle: production\n  owner: a\n', '  namespace: Payments\n'))).toMatchObject({
      field: 'metadata.namespace',
      message: expect.stringMatching(/^metadata.namespace "Payments" is not a valid namespace: use lower-case letters/),
    });
    expect(await problemOf(`${component('  type: service\n  lifecycle: production\n  owner: a\n')}specs: {}\n`)).toMatchObject({
      field: 'specs',
      line: 18,
      message: '"specs" is not a top-level field of an entity: write only apiVersion, kind, metadata and spec (document 2, line 18)',
    });
  });

  it('duplicate-keys: keys Backstage cannot tell apart', async () => {
    expect(await problemOf('apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: web\n  labels:\n    tier: a\n    Tier: b\nspec:\n  type: s\n  lifecycle: p\n  owner: o\n')).toMatchObject({
      code: 'duplicate-keys',
      message: 'metadata.labels.tier is written more than once with different letter case: keep one spelling (document 2, line 10)',
    });
  });

  it('invalid-yaml and not-a-mapping: where the YAML breaks, and a document that is a list', async () => {
    expect(await problemOf('apiVersion: backstage.io/v1alpha1\nmetadata: [unclosed\n')).toMatchObject({
      code: 'invalid-yaml',
      line: 12,
      message: 'this is not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] (document 2, line 12)',
      detail: expect.stringMatching(/^invalid YAML: Flow sequence/),
    });
    expect(await problemOf('- apiVersion: backstage.io/v1alpha1\n')).toMatchObject({
      code: 'not-a-mapping',
      line: 10,
      message: 'a catalog document must be a mapping of apiVersion, kind, metadata and spec, not a list (document 2, line 10)',
    });
  });

  it('file-too-large: the whole file, with no document to point at', async () => {
    const file = await parseCatalogFile(`${valid}#${'x'.repeat(1024 * 1024)}\n`, { path: 'catalog-info.yaml' });
    expect(file.errors).toEqual([
      {
        index: 0,
        message: 'file is larger than 1048576 bytes',
        problem: { documentIndex: 0, code: 'file-too-large', message: 'catalog-info.yaml is larger than 1 MB, more than GitHub serves: split it into several files', detail: 'file is larger than 1048576 bytes' },
      },
    ]);
  });

  it('keeps the technical reason as the error message, as before', async () => {
    const file = await parseCatalogFile(`${valid}---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: x\nspec:\n  type: service\n`);
    expect(file.errors[0].message).toBe("/spec must have required property 'lifecycle' - missingProperty: lifecycle");
    expect(file.errors[0].problem.detail).toBe(file.errors[0].message);
  });
});

describe('what became of each document', () => {
  it('lists every non-empty document with its start line, its ref and whether it is accepted, rejected or replaced', async () => {
    const again = valid.replace('owner: team-a', 'owner: team-b');
    const file = await parseCatalogFile(`# the shop\n${valid}---\n\n---\n${again}---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: Bad Name\n---\n${valid.replace('checkout', 'cart')}`);
    expect(file.documents).toEqual([
      { index: 0, line: 2, ref: 'component:default/checkout', outcome: 'replaced', replacedBy: 2, owner: 'team-a' },
      { index: 2, line: 13, ref: 'component:default/checkout', outcome: 'accepted', owner: 'team-b' },
      { index: 3, line: 22, ref: 'component:default/bad name', outcome: 'rejected', problem: expect.objectContaining({ code: 'invalid-name', line: 25 }) },
      { index: 4, line: 27, ref: 'component:default/cart', outcome: 'accepted', owner: 'team-a' },
    ]);
    expect(file.entities.get('component:default/checkout')?.spec?.owner).toBe('team-b');
  });

  it('marks a valid document replaced by a later, invalid one of the same ref, which Backstage serves neither of', async () => {
    const file = await parseCatalogFile(`${valid}---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: checkout\nspec:\n  type: service\n`);
    expect(file.entities.size).toBe(0);
    expect(file.documents?.map((d) => [d.index, d.outcome, d.replacedBy])).toEqual([
      [0, 'replaced', 1],
      [1, 'rejected', undefined],
    ]);
  });
});
