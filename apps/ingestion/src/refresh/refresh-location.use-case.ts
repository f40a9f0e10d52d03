import { Injectable, Logger } from '@nestjs/common';
import type { RefreshRequestV1 } from '@callboard/contracts';
import { PermanentProcessingError } from '@callboard/kafka';
import { GithubRepositoriesRepository } from '../github/github-repositories.repository';
import { RepositoryCatalogRepository } from '../repository-sync/repository-catalog.repository';
import type { RepositoryIdentity } from '../repository-sync/repository-record';
import { RepositorySync, SyncOutcome } from '../repository-sync/repository-sync.service';

/** `owner/name` and the rest of the path of a GitHub web URL, or null. */
function repositoryOfUrl(target: string): { fullName: string } | null {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return null;
  }
  const [owner, name] = url.pathname.split('/').filter(Boolean);
  return owner && name ? { fullName: `${owner}/${name}` } : null;
}

/** The repository path a location target names on the default branch, or null. */
function pathOf(repository: RepositoryIdentity, target: string): string | null {
  const prefix = `${repository.htmlUrl.replace(/\/+$/, '')}/blob/${repository.defaultBranch}/`;
  return target.startsWith(prefix) ? decodeURIComponent(target.slice(prefix.length)) : null;
}

/**
 * A refresh request (Backstage's refresh button): the catalog file behind the entity's origin
 * location is read again at the default branch's head, and what changed travels the normal
 * pipeline — a change pushed without a webhook reaching Callboard included.
 */
@Injectable()
export class RefreshLocationUseCase {
  private readonly logger = new Logger(RefreshLocationUseCase.name);

  constructor(
    private readonly records: RepositoryCatalogRepository,
    private readonly github: GithubRepositoriesRepository,
    private readonly repositories: RepositorySync,
  ) {}

  async execute(request: RefreshRequestV1): Promise<SyncOutcome | null> {
    const deliveryId = `refresh:${request.requestId}`;
    const { type, target } = request.location;
    const named = type === 'url' ? repositoryOfUrl(target) : null;
    if (!named) throw new PermanentProcessingError(`cannot refresh location ${type}:${target}: not a URL of a repository file`, { entityRef: request.entityRef });

    const record = await this.records.findByFullName(named.fullName);
    // The recorded file knows which catalog file led to it; the repository is looked up again
    // (by id when recorded, so a rename since is followed).
    const recordedFile = record?.files.find((f) => f.target === target);
    const repository = record ? await this.github.findById(record.id, record.installationId) : await this.github.findByName(named.fullName);
    if (!repository || repository.archived) {
      if (record) return this.repositories.remove(record.id, deliveryId, repository ? 'archived' : 'not found');
      this.logger.warn({ msg: 'refresh of a location whose repository is not readable', deliveryId, target });
      return null;
    }
    const path = recordedFile?.originPath ?? (record ? pathOf(record, target) : null) ?? pathOf(repository, target);
    if (path === null) throw new PermanentProcessingError(`cannot refresh location url:${target}: not a file of ${repository.fullName}'s default branch`, { entityRef: request.entityRef });
    return this.repositories.refreshPath(repository, path, deliveryId);
  }
}
