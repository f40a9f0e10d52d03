import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG } from '@callboard/config';
import { GithubRepositoriesRepository } from '../github/github-repositories.repository';
import type { IngestionConfig } from '../ingestion.config';
import { RepositoryCatalogRepository } from '../repository-sync/repository-catalog.repository';
import type { RepositoryIdentity, RepositoryRecord } from '../repository-sync/repository-record';
import { RepositorySync } from '../repository-sync/repository-sync.service';
import { OrgSyncOutcome, SyncGithubOrgUseCase } from '../org/sync-github-org.use-case';

export interface ReconcileOutcome {
  repositories: number;
  /** Organisations whose Users and Groups were read again (or removed, their installation gone). */
  organisations: number;
  removedRepositories: number;
  upserts: number;
  removals: number;
  /** Repositories that could not be read (after the GitHub client's own retries); the rest went on. */
  failures: Array<{ repository: string; error: string }>;
}

const empty = (): ReconcileOutcome => ({ repositories: 0, organisations: 0, removedRepositories: 0, upserts: 0, removals: 0, failures: [] });
const add = (total: ReconcileOutcome, part: ReconcileOutcome) => {
  total.repositories += part.repositories;
  total.organisations += part.organisations;
  total.removedRepositories += part.removedRepositories;
  total.upserts += part.upserts;
  total.removals += part.removals;
  total.failures.push(...part.failures);
};

/**
 * Brings the catalog to exactly what GitHub says for an installation or an owner: every
 * repository GitHub lists is read whole (catalog files from the git trees API), and every
 * recorded repository it no longer lists leaves the catalog — what missed webhooks left
 * behind included (GitHub Apps never receive `repository.deleted`). An organisation's Users
 * and Groups are read again with its repositories, as missed organization, team and
 * membership events leave them behind too.
 */
@Injectable()
export class ReconcileUseCase {
  private readonly logger = new Logger(ReconcileUseCase.name);

  constructor(
    private readonly github: GithubRepositoriesRepository,
    private readonly records: RepositoryCatalogRepository,
    private readonly repositories: RepositorySync,
    private readonly people: SyncGithubOrgUseCase,
    @Inject(APP_CONFIG) private readonly config: IngestionConfig,
  ) {}

  /** Everything: each installation of the App (with a token, each owner recorded). */
  async everything(deliveryId: string): Promise<ReconcileOutcome> {
    const total = empty();
    const recorded = await this.records.scopes();
    if (this.config.githubAuth.kind === 'app') {
      const installations = await this.github.listInstallations();
      for (const installation of installations) add(total, await this.installationAsListed(installation, deliveryId));
      const live = new Set(installations.map((i) => i.id));
      for (const id of recorded.installationIds.filter((i) => !live.has(i))) add(total, await this.forgetInstallation(id, deliveryId, 'installation gone'));
      const peopleGone = new Set((await this.people.recorded()).flatMap((org) => (org.installationId !== undefined && !live.has(org.installationId) ? [org.installationId] : [])));
      for (const id of peopleGone) add(total, this.peopleOutcome(await this.people.forgetInstallation({ installationId: id, deliveryId })));
    } else {
      for (const owner of recorded.owners) add(total, await this.owner(owner, deliveryId));
      const done = new Set(recorded.owners);
      const orgs = [...this.config.GITHUB_ORGS, ...(await this.people.recorded()).map((org) => org.login.toLowerCase())];
      for (const org of new Set(orgs.filter((o) => !done.has(o)))) add(total, await this.peopleOf(org, undefined, deliveryId));
    }
    return total;
  }

  /** An installation's repositories and people, or their removal when it is suspended or gone (as the App sees it now). */
  async installationWithPeople(installationId: number, deliveryId: string): Promise<ReconcileOutcome> {
    const listed = (await this.github.listInstallations()).find((i) => i.id === installationId);
    if (listed) return this.installationAsListed(listed, deliveryId);
    const outcome = await this.forgetInstallation(installationId, deliveryId, 'installation gone');
    add(outcome, this.peopleOutcome(await this.people.forgetInstallation({ installationId, deliveryId })));
    return outcome;
  }

  private async installationAsListed(installation: { id: number; account: string; suspended: boolean }, deliveryId: string): Promise<ReconcileOutcome> {
    if (installation.suspended) {
      const outcome = await this.forgetInstallation(installation.id, deliveryId, 'installation suspended');
      add(outcome, this.peopleOutcome(await this.people.forgetInstallation({ installationId: installation.id, deliveryId })));
      return outcome;
    }
    const outcome = await this.installation(installation.id, deliveryId);
    if (installation.account) add(outcome, await this.peopleOf(installation.account, installation.id, deliveryId));
    return outcome;
  }

  async installation(installationId: number, deliveryId: string): Promise<ReconcileOutcome> {
    const listed = await this.github.listInstallationRepositories(installationId);
    return this.converge(listed, await this.records.findByInstallation(installationId), deliveryId, `installation ${installationId}`);
  }

  /** An organisation or user: through the App's installation on it, or with the token. */
  async owner(owner: string, deliveryId: string): Promise<ReconcileOutcome> {
    if (this.config.githubAuth.kind === 'app') {
      const installationId = await this.github.findInstallationOf(owner);
      if (installationId !== null) {
        const outcome = await this.installation(installationId, deliveryId);
        add(outcome, await this.peopleOf(owner, installationId, deliveryId));
        return outcome;
      }
      return this.converge([], await this.records.findByOwner(owner), deliveryId, `owner ${owner} (not installed)`);
    }
    const listed = await this.github.listOwnerRepositories(owner);
    const outcome = await this.converge(listed, await this.records.findByOwner(owner), deliveryId, `owner ${owner}`);
    add(outcome, await this.peopleOf(owner, undefined, deliveryId));
    return outcome;
  }

  /** An account's Users and Groups read again; a user account, or one whose members cannot be read, has none. */
  private async peopleOf(account: string, installationId: number | undefined, deliveryId: string): Promise<ReconcileOutcome> {
    try {
      return this.peopleOutcome([await this.people.syncInstallationAccount({ account, installationId, deliveryId })]);
    } catch (err) {
      this.logger.error({ msg: 'reconciliation could not read an organisation\'s people', deliveryId, org: account, err });
      return { ...empty(), failures: [{ repository: `${account} (people)`, error: (err as Error).message }] };
    }
  }

  private peopleOutcome(outcomes: OrgSyncOutcome[]): ReconcileOutcome {
    const synced = outcomes.filter((o) => o.skipped === undefined);
    return {
      ...empty(),
      organisations: synced.length,
      upserts: synced.reduce((n, o) => n + o.upserts, 0),
      removals: synced.reduce((n, o) => n + o.removals, 0),
    };
  }

  /** The installation can no longer be read (deleted or suspended): its repositories leave. */
  async forgetInstallation(installationId: number, deliveryId: string, reason: string): Promise<ReconcileOutcome> {
    return this.converge([], await this.records.findByInstallation(installationId), deliveryId, reason);
  }

  private async converge(listed: RepositoryIdentity[], recorded: RepositoryRecord[], deliveryId: string, scope: string): Promise<ReconcileOutcome> {
    const outcome = empty();
    const listedIds = new Set(listed.map((r) => r.id));
    for (const repository of listed) {
      try {
        const result = await this.repositories.scan(repository, deliveryId, `reconcile ${scope}`);
        outcome.repositories += 1;
        outcome.upserts += result.upserts;
        outcome.removals += result.removals;
      } catch (err) {
        // One unreadable repository does not stop the others; the failure is reported.
        this.logger.error({ msg: 'reconciliation could not read a repository', deliveryId, repository: repository.fullName, err });
        outcome.failures.push({ repository: repository.fullName, error: (err as Error).message });
      }
    }
    // A record without files is a repository already removed, kept only for its version.
    for (const gone of recorded.filter((r) => !listedIds.has(r.id) && r.files.length > 0)) {
      const result = await this.repositories.remove(gone.id, deliveryId, `not listed by ${scope}`);
      outcome.removedRepositories += 1;
      outcome.removals += result.removals;
    }
    this.logger.log({ msg: 'reconciled', deliveryId, scope, ...outcome, failures: outcome.failures.length });
    return outcome;
  }
}
