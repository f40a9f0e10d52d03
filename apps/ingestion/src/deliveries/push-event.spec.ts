import { catalogPathMatcher } from '../repository-sync/catalog-paths';
import { isDefaultBranchPush, MAX_LISTED_COMMITS, pushEventSchema, pushSourceVersion, rescanReason, touchedCatalogPaths } from './push-event';

const sha = (c: string) => c.repeat(40);
const basePush = () =>
  pushEventSchema.parse({
    ref: 'refs/heads/main',
    before: sha('a'),
    after: sha('b'),
    commits: [
      { added: ['catalog-info.yaml'], modified: ['README.md'], removed: [] },
      { added: [], modified: ['docs/catalog-info.yaml'], removed: ['old/catalog-info.yaml'] },
    ],
    head_commit: { id: sha('b'), timestamp: '2026-11-24T10:00:00+01:00' },
    repository: { id: 1, name: 'svc', full_name: 'acme/svc', html_url: 'https://github.com/acme/svc', default_branch: 'main', pushed_at: 1764000000 },
  });

describe('push analysis', () => {
  it('accepts only an exact match of the default branch', () => {
    expect(isDefaultBranchPush(basePush())).toBe(true);
    expect(isDefaultBranchPush({ ...basePush(), ref: 'refs/heads/main-feature' })).toBe(false);
    expect(isDefaultBranchPush({ ...basePush(), ref: 'refs/heads/feature/main' })).toBe(false);
    expect(isDefaultBranchPush({ ...basePush(), ref: 'refs/tags/main' })).toBe(false);
    expect(isDefaultBranchPush({ ...basePush(), deleted: true, after: sha('0') })).toBe(false);
  });

  it('collects catalog files added, modified or removed by any commit', () => {
    expect(touchedCatalogPaths(basePush(), catalogPathMatcher(['catalog-info.yaml']))).toEqual(['catalog-info.yaml']);
    expect(touchedCatalogPaths(basePush(), catalogPathMatcher(['catalog-info.yaml', 'docs/catalog-info.yaml', 'old/catalog-info.yaml']))).toEqual([
      'catalog-info.yaml',
      'docs/catalog-info.yaml',
      'old/catalog-info.yaml',
    ]);
    expect(touchedCatalogPaths(basePush(), catalogPathMatcher(['README.yaml']))).toEqual([]);
  });

  it('matches globs against every commit\'s paths, the root file included', () => {
    expect(touchedCatalogPaths(basePush(), catalogPathMatcher(['**/catalog-info.yaml']))).toEqual(['catalog-info.yaml', 'docs/catalog-info.yaml', 'old/catalog-info.yaml']);
    expect(touchedCatalogPaths(basePush(), catalogPathMatcher(['*/catalog-info.yaml']))).toEqual(['docs/catalog-info.yaml', 'old/catalog-info.yaml']);
  });

  it('rescans when the file lists cannot be trusted or the default branch changed', () => {
    expect(rescanReason(basePush(), 'main')).toBeNull();
    expect(rescanReason(basePush(), undefined)).toBeNull();
    const many = Array.from({ length: MAX_LISTED_COMMITS }, () => ({ added: [], modified: [], removed: [] }));
    expect(rescanReason({ ...basePush(), commits: many }, 'main')).toBe('commits-truncated');
    expect(rescanReason({ ...basePush(), size: 3 }, 'main')).toBe('commits-truncated');
    expect(rescanReason({ ...basePush(), size: 2 }, 'main')).toBeNull();
    expect(rescanReason({ ...basePush(), forced: true, commits: [] }, 'main')).toBe('forced');
    expect(rescanReason({ ...basePush(), created: true, before: sha('0') }, 'main')).toBe('branch-created');
    expect(rescanReason(basePush(), 'master')).toBe('default-branch-changed');
  });

  it('orders pushes by the later of push time and head commit time', () => {
    // pushed_at (2025-11-24T16:00Z) is older than the commit: a payload with a stale push time sorts by its commit.
    expect(pushSourceVersion(basePush(), new Date(0))).toBe(Date.parse('2026-11-24T09:00:00Z'));
    // A force-push back to an old commit: the push time, not the commit's, says how new it is.
    const back = { ...basePush(), forced: true, head_commit: { id: sha('c'), timestamp: '2020-01-01T00:00:00Z' }, repository: { ...basePush().repository, pushed_at: 1795000000 } };
    expect(pushSourceVersion(back, new Date(0))).toBe(1795000000 * 1000);
    expect(pushSourceVersion({ ...basePush(), head_commit: null }, new Date(0))).toBe(1764000000 * 1000);
    expect(pushSourceVersion({ ...basePush(), repository: { ...basePush().repository, pushed_at: '2027-01-01T00:00:00Z' } }, new Date(0))).toBe(Date.parse('2027-01-01T00:00:00Z'));
    expect(pushSourceVersion({ ...basePush(), head_commit: null, repository: { ...basePush().repository, pushed_at: null } }, new Date(5))).toBe(5);
  });
});
