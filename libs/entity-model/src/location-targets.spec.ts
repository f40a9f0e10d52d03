import type { Entity } from '@backstage/catalog-model';
import { locationTargetsInRepository } from './location-targets';

const context = { repositoryHtmlUrl: 'https://github.com/acme/shop', defaultBranch: 'main', catalogPath: 'catalog/all.yaml' };
const location = (spec: NonNullable<Entity['spec']>): Entity => ({ apiVersion: 'backstage.io/v1alpha1', kind: 'Location', metadata: { name: 'l' }, spec });

describe('locationTargetsInRepository', () => {
  it('resolves relative targets against the declaring file and same-repository URLs of the default branch', () => {
    const entity = location({
      type: 'url',
      target: './services/a.yaml',
      targets: ['../root.yaml', 'https://github.com/acme/shop/blob/main/docs/b.yaml', 'https://github.com/acme/shop/tree/main/c%20d.yaml', './services/a.yaml'],
    });
    expect(locationTargetsInRepository(entity, context)).toEqual({ paths: ['catalog/services/a.yaml', 'root.yaml', 'docs/b.yaml', 'c d.yaml'], ignored: [] });
  });

  it('ignores other repositories, other branches and globs', () => {
    const entity = location({
      targets: ['https://github.com/acme/other/blob/main/x.yaml', 'https://github.com/acme/shop/blob/feature/x.yaml', './services/*/catalog-info.yaml', 'https://github.com/acme/shopping/blob/main/x.yaml'],
    });
    expect(locationTargetsInRepository(entity, context).paths).toEqual([]);
    expect(locationTargetsInRepository(entity, context).ignored).toHaveLength(4);
  });

  it('follows nothing of other kinds; of type: file only paths relative to the declaring file, saying why for the others', () => {
    expect(locationTargetsInRepository({ ...location({ target: './a.yaml' }), kind: 'Component' }, context).paths).toEqual([]);
    expect(locationTargetsInRepository(location({ type: 'file', target: './a.yaml' }), context)).toEqual({ paths: ['catalog/a.yaml'], ignored: [] });
    const { ignored } = locationTargetsInRepository(location({ type: 'file', target: '/etc/catalog.yaml' }), context);
    expect(ignored).toEqual([{ target: '/etc/catalog.yaml', reason: expect.stringContaining('relative to this file') }]);
    expect(locationTargetsInRepository(location({ type: 'gitlab-discovery', target: 'https://x' }), context).ignored).toHaveLength(1);
  });
});
