import { webhookExamples as examplesOf } from '../../../../test/support/webhook-examples';
import { repairKeyOf, repairTargetOf } from './repair-target';

describe('repairTargetOf (real @octokit/webhooks-examples payloads)', () => {
  it('names the repository of every push and repository example, with the installation when the delivery has one', () => {
    for (const event of ['push', 'repository']) {
      for (const payload of examplesOf(event)) {
        const repository = payload.repository as { id: number };
        const installation = payload.installation as { id: number } | undefined;
        expect(repairTargetOf(event, payload)).toEqual({ kind: 'repository', repositoryId: repository.id, ...(installation ? { installationId: installation.id } : {}) });
      }
    }
  });

  it('names the organisation of people events and the installation of installation events', () => {
    for (const event of ['organization', 'team', 'membership']) {
      for (const payload of examplesOf(event)) {
        expect(repairTargetOf(event, payload)).toMatchObject({ kind: 'organisation', org: (payload.organization as { login: string }).login });
      }
    }
    for (const event of ['installation', 'installation_repositories']) {
      for (const payload of examplesOf(event)) {
        expect(repairTargetOf(event, payload)).toEqual({ kind: 'installation', installationId: (payload.installation as { id: number }).id });
      }
    }
    // The package has no installation_target example; GitHub's schema names the installation the same way.
    expect(repairTargetOf('installation_target', { action: 'renamed', installation: { id: 12 }, account: { id: 3, login: 'acme-new' } })).toEqual({ kind: 'installation', installationId: 12 });
  });

  it('has nothing to repair for other events or payloads without the ids', () => {
    expect(repairTargetOf('star', { repository: { id: 1 } })).toBeNull();
    expect(repairTargetOf('push', { repository: { id: 'x' } })).toBeNull();
    expect(repairTargetOf('team', { organization: {} })).toBeNull();
    expect(repairTargetOf('installation', {})).toBeNull();
  });

  it('keys one repair per state, organisations case-insensitively', () => {
    expect(repairKeyOf({ kind: 'repository', repositoryId: 7, installationId: 1 })).toBe('repository:7');
    expect(repairKeyOf({ kind: 'organisation', org: 'Acme' })).toBe(repairKeyOf({ kind: 'organisation', org: 'acme', installationId: 3 }));
    expect(repairKeyOf({ kind: 'installation', installationId: 9 })).toBe('installation:9');
  });
});
