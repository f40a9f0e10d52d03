import { catalogPathMatcher, catalogPathPatternProblem } from './catalog-paths';

describe('catalog paths', () => {
  it('treats a plain path as that file only', () => {
    const matches = catalogPathMatcher(['catalog-info.yaml']);
    expect(matches('catalog-info.yaml')).toBe(true);
    expect(matches('services/a/catalog-info.yaml')).toBe(false);
    expect(matches('catalog-info.yml')).toBe(false);
  });

  it('matches globs at any depth, the root and dot folders included', () => {
    const matches = catalogPathMatcher(['**/catalog-info.yaml', 'catalog/*.yaml']);
    expect(['catalog-info.yaml', 'services/a/catalog-info.yaml', '.backstage/catalog-info.yaml', 'catalog/teams.yaml'].every(matches)).toBe(true);
    expect(['services/a/catalog-info.yaml.bak', 'catalog/nested/teams.yaml', 'catalog-info.yml'].some(matches)).toBe(false);
  });

  it('names unusable patterns', () => {
    expect(catalogPathPatternProblem('**/catalog-info.yaml')).toBeNull();
    expect(catalogPathPatternProblem('../catalog-info.yaml')).toMatch(/inside the repository/);
    expect(catalogPathPatternProblem('a\\b.yaml')).toMatch(/forward slashes/);
  });
});
