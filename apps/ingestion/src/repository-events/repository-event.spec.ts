import { repositoryEventSchema, repositoryLifecycle } from './repository-event';

const event = (action: string, changes?: Record<string, unknown>) =>
  repositoryEventSchema.parse({ action, changes, repository: { id: 1, full_name: 'acme/shop', html_url: 'https://github.com/acme/shop', default_branch: 'main' } });

describe('repositoryLifecycle', () => {
  it('removes deleted repositories and reads those archived, created, unarchived, moved or with a new default branch again', () => {
    expect(repositoryLifecycle(event('deleted'))).toBe('remove');
    expect(['archived', 'created', 'unarchived', 'transferred', 'renamed'].map((a) => repositoryLifecycle(event(a)))).toEqual(['rescan', 'rescan', 'rescan', 'rescan', 'rescan']);
    expect(repositoryLifecycle(event('edited', { default_branch: { from: 'master' } }))).toBe('rescan');
  });

  it('ignores what does not change what the catalog says', () => {
    expect(repositoryLifecycle(event('edited', { description: { from: 'x' } }))).toBe('ignore');
    expect(['publicized', 'privatized'].map((a) => repositoryLifecycle(event(a)))).toEqual(['ignore', 'ignore']);
  });
});
