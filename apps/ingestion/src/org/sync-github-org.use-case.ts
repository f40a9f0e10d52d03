import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { APP_CONFIG } from '@callboard/config';
import { githubOrgEntities, githubOrgLocation, LocationSpec, planOrgSync, PublishedOrgEntity, stableStringify } from '@callboard/entity-model';
import { EntityEventGateway, PlannedEntityEvent, RejectedInput } from '../entity-events/entity-event.gateway';
import type { IngestionConfig } from '../ingestion.config';
import { GithubOrgNotReadableError, GithubOrgRepository } from './github-org.repository';
import { OrgSyncStateRepository } from './org-sync-state.repository';

/**
 * The entity-event contract describes a file in a repository; an organisation's people have
 * neither, so their events name the organisation as `repository`, this as `path`, and the
 * content hash of what was published as `commitSha`.
 */
export const ORG_PEOPLE_SOURCE_PATH = 'members-and-teams';

export interface OrgSyncRequest {
  /** The organisation's login. */
  org: string;
  /** The App installation to read through (a delivery's `installation.id`); found through the App when absent. */
  installationId?: number;
  /** The delivery (or reconciliation run) the events are attributed to. */
  deliveryId: string;
  /** Upsert every entity, not only changed ones: for a reconciliation, when the catalog may have missed an event. */
  force?: boolean;
}

export interface OrgSyncOutcome {
  org: string;
  upserts: number;
  removals: number;
  unchanged: number;
  invalid: number;
  /** Set when nothing was read or published, with the reason. */
  skipped?: string;
}

/**
 * Brings the catalog's Users and Groups of one GitHub organisation to what GitHub says now:
 * reads the organisation's people, builds the entities Backstage's GitHub org provider would,
 * and publishes upserts for what is new or changed since the last sync and removals for what
 * is gone, all from the organisation's location so that only it can change them. State-based,
 * so any event of the organisation (or a reconciliation) converges whatever was missed.
 */
@Injectable()
export class SyncGithubOrgUseCase {
  private readonly logger = new Logger(SyncGithubOrgUseCase.name);
  // One sync per organisation at a time in this process: two interleaved ones could record a
  // published state that belongs to neither.
  private readonly running = new Map<string, Promise<unknown>>();

  constructor(
    private readonly github: GithubOrgRepository,
    private readonly state: OrgSyncStateRepository,
    private readonly events: EntityEventGateway,
    @Inject(APP_CONFIG) private readonly config: IngestionConfig,
  ) {}

  /** Whether this organisation's people are synced at all (GITHUB_ORGS). */
  isSynced(org: string): boolean {
    return this.config.GITHUB_ORGS.length === 0 || this.config.GITHUB_ORGS.includes(org.toLowerCase());
  }

  execute(request: OrgSyncRequest): Promise<OrgSyncOutcome> {
    return this.exclusive(request.org, () => this.sync(request));
  }

  /** Organisations whose people were published, with the installation they were read through. */
  async recorded(): Promise<Array<{ login: string; installationId?: number }>> {
    return (await this.state.all()).map((s) => ({ login: s.login, ...(s.installationId !== undefined ? { installationId: s.installationId } : {}) }));
  }

  /** The organisation was deleted: what was published from it leaves the catalog. */
  removeAll(request: { orgId: number; org: string; deliveryId: string }): Promise<OrgSyncOutcome> {
    return this.exclusive(request.org, async () => {
      const outcome: OrgSyncOutcome = { org: request.org, upserts: 0, removals: 0, unchanged: 0, invalid: 0 };
      const previous = await this.state.find(request.orgId);
      if (!previous) return { ...outcome, skipped: 'nothing was published from this organisation' };
      const sourceVersion = Math.max(Date.now(), previous.sourceVersion + 1);
      const refs = previous.entities.map((e) => e.ref);
      await this.publish(
        refs.map((ref): PlannedEntityEvent => ({ type: 'removal', ref, location: { type: 'url', target: previous.locationTarget }, path: ORG_PEOPLE_SOURCE_PATH })),
        { org: previous.login, deliveryId: request.deliveryId, sourceVersion, published: [] },
      );
      await this.state.delete(request.orgId);
      this.logger.log({ msg: 'organisation deleted: its Users and Groups removed', deliveryId: request.deliveryId, org: previous.login, removals: refs.length });
      return { ...outcome, removals: refs.length };
    });
  }

  /**
   * The App's installation was deleted or suspended: the people of the organisations read
   * through it cannot be read any more, so they leave the catalog as its repositories do.
   */
  async forgetInstallation(request: { installationId: number; account?: string; deliveryId: string }): Promise<OrgSyncOutcome[]> {
    const states = await this.state.findByInstallation(request.installationId, request.account);
    const outcomes: OrgSyncOutcome[] = [];
    for (const state of states) outcomes.push(await this.removeAll({ orgId: state.orgId, org: state.login, deliveryId: request.deliveryId }));
    return outcomes;
  }

  /**
   * The App was installed on (or unsuspended for, or granted more permissions by) an account:
   * an organisation's people are synced through it. A user account, or an installation without
   * the Members permission, has no people to read, which is not an error of the delivery.
   */
  async syncInstallationAccount(request: { installationId?: number; account: string; deliveryId: string }): Promise<OrgSyncOutcome> {
    try {
      return await this.execute({ org: request.account, installationId: request.installationId, deliveryId: request.deliveryId, force: true });
    } catch (err) {
      if (!(err instanceof GithubOrgNotReadableError)) throw err;
      this.logger.log({ msg: 'installation account has no organisation people to read', deliveryId: request.deliveryId, account: request.account, reason: err.message });
      return { org: request.account, upserts: 0, removals: 0, unchanged: 0, invalid: 0, skipped: err.message };
    }
  }

  private async sync(request: OrgSyncRequest): Promise<OrgSyncOutcome> {
    const outcome: OrgSyncOutcome = { org: request.org, upserts: 0, removals: 0, unchanged: 0, invalid: 0 };
    if (!this.isSynced(request.org)) return { ...outcome, skipped: 'not one of GITHUB_ORGS' };
    // Taken before reading: a sync that read GitHub earlier publishes an older version, which
    // the catalog does not let overwrite what a later read published.
    const readAt = Date.now();
    const read = await this.github.read(request.org, request.installationId);
    const previous = await this.state.find(read.id);
    const desired = await githubOrgEntities(read.snapshot, { namespace: this.config.GITHUB_ORG_NAMESPACE });
    const location = githubOrgLocation(read.snapshot.org.htmlUrl);

    const rejected = desired.errors.map(
      (invalid): RejectedInput => ({
        reason: `invalid entity ${invalid.ref} from the GitHub organisation ${read.login}: ${invalid.error}`,
        stage: 'ingestion.github-org',
        key: invalid.ref,
        details: { org: read.login, entityRef: invalid.ref, location: location.target },
      }),
    );

    // A renamed organisation has a new URL, so a new location: every entity is published from
    // it naming the old one as superseded, so the catalog moves them keeping their uids and
    // history; what the organisation no longer has is removed from the old location.
    const moved = previous !== null && previous.locationTarget !== location.target;
    const plan = planOrgSync(moved ? [] : (previous?.entities ?? []), [...desired.users, ...desired.groups], { force: request.force });
    const previousLocation: LocationSpec | undefined = moved ? { type: 'url', target: previous.locationTarget } : undefined;
    const desiredRefs = new Set(plan.published.map((e) => e.ref));
    const released: Array<{ ref: string; location: LocationSpec }> = previousLocation
      ? previous!.entities.filter((e) => !desiredRefs.has(e.ref)).map((e) => ({ ref: e.ref, location: previousLocation }))
      : plan.removals.map((ref) => ({ ref, location }));
    const sourceVersion = Math.max(readAt, (previous?.sourceVersion ?? 0) + 1);

    await this.publish(
      [
        ...released.map(({ ref, location: from }): PlannedEntityEvent => ({ type: 'removal', ref, location: from, path: ORG_PEOPLE_SOURCE_PATH })),
        ...plan.upserts.map(
          ({ ref, entity }): PlannedEntityEvent => ({ type: 'upsert', ref, location, originLocation: location, entity, path: ORG_PEOPLE_SOURCE_PATH, ...(previousLocation ? { supersedesLocation: previousLocation } : {}) }),
        ),
      ],
      { org: read.login, deliveryId: request.deliveryId, sourceVersion, published: plan.published },
      rejected,
    );
    await this.state.save(
      { orgId: read.id, login: read.login, locationTarget: location.target, entities: plan.published, sourceVersion, ...(read.installationId !== undefined ? { installationId: read.installationId } : {}) },
      request.deliveryId,
    );

    const result = { ...outcome, org: read.login, upserts: plan.upserts.length, removals: released.length, unchanged: plan.unchanged, invalid: desired.errors.length };
    this.logger.log({ msg: 'organisation people synced', deliveryId: request.deliveryId, ...result, users: desired.users.length, groups: desired.groups.length });
    return result;
  }

  private publish(events: PlannedEntityEvent[], context: { org: string; deliveryId: string; sourceVersion: number; published: PublishedOrgEntity[] }, rejected: RejectedInput[] = []): Promise<void> {
    return this.events.publish(
      events,
      {
        deliveryId: context.deliveryId,
        repository: context.org,
        commitSha: createHash('sha1').update(stableStringify(context.published)).digest('hex'),
        sourceVersion: context.sourceVersion,
      },
      rejected,
    );
  }

  private async exclusive<T>(org: string, work: () => Promise<T>): Promise<T> {
    const key = org.toLowerCase();
    const before = this.running.get(key) ?? Promise.resolve();
    const current = before.catch(() => undefined).then(work);
    this.running.set(key, current);
    try {
      return await current;
    } finally {
      if (this.running.get(key) === current) this.running.delete(key);
    }
  }
}
