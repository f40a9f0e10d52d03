import { Injectable, Logger } from '@nestjs/common';
import { PermanentProcessingError } from '@callboard/kafka';
import { GithubAppNotInstalledError } from '../github/github-client.factory';
import { RepositorySync } from '../repository-sync/repository-sync.service';
import { RepositoryEvent, repositoryLifecycle } from './repository-event';

/** `repository` events: a repository that leaves, appears, moves or changes its default branch. */
@Injectable()
export class HandleRepositoryEventUseCase {
  private readonly logger = new Logger(HandleRepositoryEventUseCase.name);

  constructor(private readonly repositories: RepositorySync) {}

  async execute(event: RepositoryEvent, deliveryId: string): Promise<void> {
    const lifecycle = repositoryLifecycle(event);
    const { id, full_name: fullName } = event.repository;
    if (lifecycle === 'ignore') {
      this.logger.debug({ msg: 'repository event does not change the catalog', deliveryId, action: event.action, repository: fullName });
      return;
    }
    if (lifecycle === 'remove') {
      await this.repositories.remove(id, deliveryId, `repository ${event.action}`);
      return;
    }
    // Read as GitHub describes it now (by id), not as the payload did: a later rename or
    // archive delivered earlier must not be undone by this older event.
    try {
      await this.repositories.rescan(id, event.installation?.id ?? undefined, deliveryId, `repository ${event.action}`);
    } catch (err) {
      if (err instanceof GithubAppNotInstalledError) throw new PermanentProcessingError(err.message, { repository: fullName });
      throw err;
    }
  }
}
