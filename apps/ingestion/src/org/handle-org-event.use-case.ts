import { Injectable, Logger } from '@nestjs/common';
import { PermanentProcessingError } from '@callboard/kafka';
import { GithubAppNotInstalledError } from '../github/github-client.factory';
import { ReconcileUseCase } from '../reconcile/reconcile.use-case';
import { GithubOrgNotReadableError } from './github-org.repository';
import { decideOrgEvent, OrgPeopleEventName, orgEventSchema } from './org-event';
import { OrgSyncOutcome, SyncGithubOrgUseCase } from './sync-github-org.use-case';

/**
 * An `organization`, `team` or `membership` delivery: whatever changed, the organisation's
 * people are read again (state-based, so missed or reordered events converge).
 */
@Injectable()
export class HandleOrgEventUseCase {
  private readonly logger = new Logger(HandleOrgEventUseCase.name);

  constructor(
    private readonly sync: SyncGithubOrgUseCase,
    private readonly reconcile: ReconcileUseCase,
  ) {}

  async execute(event: OrgPeopleEventName, payload: unknown, deliveryId: string): Promise<OrgSyncOutcome | null> {
    const parsed = orgEventSchema.safeParse(payload);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new PermanentProcessingError(`${event} payload lacks required fields: ${issue?.path.join('.')}: ${issue?.message}`);
    }
    const { action, organization, installation } = parsed.data;
    const decision = decideOrgEvent(event, action);
    if (decision.kind === 'ignore') {
      this.logger.debug({ msg: 'organisation event ignored', deliveryId, event, action, reason: decision.reason });
      return null;
    }
    try {
      if (decision.kind === 'remove-all') return await this.sync.removeAll({ orgId: organization.id, org: organization.login, deliveryId });
      const outcome = await this.sync.execute({ org: organization.login, installationId: installation?.id, deliveryId });
      // A renamed organisation's repositories have new URLs too, and GitHub sends no
      // repository.renamed for them: read them again as the installation lists them now.
      if (event === 'organization' && action === 'renamed' && installation) await this.reconcile.installation(installation.id, deliveryId);
      return outcome;
    } catch (err) {
      if (err instanceof GithubOrgNotReadableError || err instanceof GithubAppNotInstalledError) {
        throw new PermanentProcessingError(err.message, { org: organization.login, event, action });
      }
      throw err;
    }
  }
}
