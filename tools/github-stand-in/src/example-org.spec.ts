import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  DefaultNamespaceEntityPolicy,
  domainEntityV1alpha1Validator,
  type Entity,
  EntityPolicies,
  FieldFormatEntityPolicy,
  groupEntityV1alpha1Validator,
  NoForeignRootFieldsEntityPolicy,
  parseEntityRef,
  resourceEntityV1alpha1Validator,
  SchemaValidEntityPolicy,
  stringifyEntityRef,
  systemEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
} from '@backstage/catalog-model';
import { parseAllDocuments } from 'yaml';
import { defaultExampleOrgDir, loadExampleOrg } from './example-org';
import { GitHubStandIn, ZERO_SHA } from './github-stand-in';

const validators = [
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  domainEntityV1alpha1Validator,
  groupEntityV1alpha1Validator,
  resourceEntityV1alpha1Validator,
  systemEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
];

function entitiesOf(standIn: GitHubStandIn, fullName: string): Entity[] {
  const file = standIn.files(fullName)['catalog-info.yaml'];
  if (file === undefined) return [];
  return parseAllDocuments(file).map((doc) => {
    expect(doc.errors).toEqual([]);
    return doc.toJSON() as Entity;
  });
}

describe('example organisation acme', () => {
  const standIn = new GitHubStandIn();
  const loaded = loadExampleOrg(standIn);
  const entities = loaded.flatMap(({ fullName }) => entitiesOf(standIn, fullName));
  const refs = new Set(entities.map((e) => stringifyEntityRef(e)));

  it('creates one repository per folder with a push for all its files', () => {
    expect(loaded.map((r) => r.fullName)).toEqual([
      'acme/legacy-scripts',
      'acme/org',
      'acme/payments-service',
      'acme/platform-docs',
      'acme/storefront',
    ]);
    for (const { fullName, push } of loaded) {
      expect(push.before).toBe(ZERO_SHA);
      expect(push.payload).toMatchObject({ ref: 'refs/heads/main', created: true, repository: { full_name: fullName } });
      expect(push.payload.head_commit?.added).toEqual(Object.keys(standIn.files(fullName)).sort());
    }
    expect(standIn.files('acme/legacy-scripts')['catalog-info.yaml']).toBeUndefined();
    expect(standIn.files('acme/payments-service')['.github/CODEOWNERS']).toBeDefined();
  });

  it('can start from an empty initial commit instead', () => {
    const other = new GitHubStandIn();
    const [first] = loadExampleOrg(other, defaultExampleOrgDir(), { initialEmptyCommit: true });
    expect(first.push.before).not.toBe(ZERO_SHA);
    expect(first.push.payload.created).toBe(false);
    expect(first.push.payload.head_commit?.added).toContain('README.md');
  });

  it('declares valid Backstage entities', async () => {
    const policy = EntityPolicies.allOf([
      new DefaultNamespaceEntityPolicy(),
      new NoForeignRootFieldsEntityPolicy(),
      new FieldFormatEntityPolicy(),
      new SchemaValidEntityPolicy(),
    ]);
    expect(entities.length).toBeGreaterThanOrEqual(15);
    expect(entities.length).toBeLessThanOrEqual(20);
    for (const entity of entities) {
      await expect(policy.enforce(entity)).resolves.toBeDefined();
      const results = await Promise.all(validators.map((v) => v.check(entity)));
      expect([stringifyEntityRef(entity), results.filter(Boolean).length]).toEqual([stringifyEntityRef(entity), 1]);
    }
    expect(refs.size).toBe(entities.length);
  });

  it('only refers to entities it declares', () => {
    const defaults: Record<string, string> = {
      owner: 'group',
      system: 'system',
      domain: 'domain',
      parent: 'group',
      children: 'group',
      memberOf: 'group',
      providesApis: 'api',
      consumesApis: 'api',
      dependsOn: 'component',
    };
    for (const entity of entities) {
      const spec = (entity.spec ?? {}) as Record<string, unknown>;
      for (const [field, defaultKind] of Object.entries(defaults)) {
        const value = spec[field];
        const targets = Array.isArray(value) ? value : value === undefined ? [] : [value];
        for (const target of targets as string[]) {
          const ref = stringifyEntityRef(parseEntityRef(target, { defaultKind, defaultNamespace: 'default' }));
          expect([stringifyEntityRef(entity), field, refs.has(ref) ? 'ok' : ref]).toEqual([
            stringifyEntityRef(entity),
            field,
            'ok',
          ]);
        }
      }
    }
  });

  it('is what the README lists', () => {
    const readme = readFileSync(join(defaultExampleOrgDir(), 'README.md'), 'utf8');
    for (const ref of refs) expect(readme).toContain(`\`${ref}\``);
    for (const { fullName } of loaded) expect(readme).toContain(fullName);
  });
});
