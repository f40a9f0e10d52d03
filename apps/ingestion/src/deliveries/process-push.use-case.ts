import { Injectable, Logger } from '@nestjs/common';
import { identityOf } from '../github/github-repositories.repository';
import { RepositorySync, SyncOutcome } from '../repository-sync/repository-sync.service';
import { isDefaultBranchPush, PushEvent, pushSourceVersion, rescanReason, touchedPaths } from './push-event';

export type PushOutcome = SyncOutcome;

/**
 * Turns a default-branch push into entity events: the catalog files its commits touched are
 * read at the pushed head and compared with what they declared before. When the push's file
 * lists cannot be trusted (cut short, forced, a new branch, a changed default branch) the
 * whole repository is read instead.
 */
@Injectable()
export class ProcessPushUseCase {
  private readonly logger = new Logger(ProcessPushUseCase.name);

  constructor(private readonly repositories: RepositorySync) {}

  async execute(push: PushEvent, deliveryId: string): Promise<PushOutcome> {
    if (!isDefaultBranchPush(push)) {
      this.logger.debug({ msg: 'push ignored: not the default branch', deliveryId, ref: push.ref });
      return { files: 0, upserts: 0, removals: 0, invalidDocuments: 0 };
    }
    // An App's delivery names the installation to read through; a token ignores it.
    const repository = identityOf(push.repository, push.installation?.id ?? undefined);
    const head = { sha: push.after, sourceVersion: pushSourceVersion(push, new Date()) };
    const recorded = await this.repositories.recorded(repository.id);
    const rescan = rescanReason(push, recorded?.defaultBranch);
    if (rescan) this.logger.log({ msg: 'push rescans the repository', deliveryId, repository: repository.fullName, reason: rescan });
    const outcome = await this.repositories.sync({
      repository,
      head,
      // A forced push sets the branch to what it names, whatever its commits' times say.
      describesBranchNow: push.forced === true,
      before: push.before,
      scope: rescan ? { kind: 'all' } : { kind: 'touched', paths: touchedPaths(push), previousCommit: push.before },
      deliveryId,
    });
    this.logger.log({ msg: 'push processed', deliveryId, repository: repository.fullName, after: push.after, rescan, ...outcome });
    return outcome;
  }
}
