import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { deadLetterTopicOf, EntityEventV1, entityEventV1Schema, TOPICS } from '@callboard/contracts';
import { APP_CONFIG } from '@callboard/config';
import { githubFileLocation, LocationSpec, locationTargetsInRepository } from '@callboard/entity-model';
import { EventPublisher, topicName } from '@callboard/kafka';
import type { GithubRepositoryRef } from '../github/github-client.factory';
import { GithubRepositoriesRepository } from '../github/github-repositories.repository';
import type { IngestionConfig } from '../ingestion.config';
import { CatalogFileReader } from './catalog-file.reader';
import { catalogPathMatcher, CatalogPathMatcher } from './catalog-paths';
import { KeyedLock } from './keyed-lock';
import { RecordChangedError, RepositoryCatalogRepository } from './repository-catalog.repository';
import type { RecordedFile, RepositoryIdentity, RepositoryRecord } from './repository-record';
import { currentReadVersion, newestPublishedVersion, planSync, ReadFile, SyncPlan } from './sync-plan';

export interface SyncOutcome {
  files: number;
  upserts: number;
  removals: number;
  invalidDocuments: number;
}

export type SyncScope =
  /** Every catalog file of the repository (listed from its git tree) and what they lead to. */
  | { kind: 'all' }
  /** Files a push touched: catalog files among them, and the catalog files that led to any other recorded one. */
  | { kind: 'touched'; paths: readonly string[]; previousCommit?: string };

export interface SyncRequest {
  repository: RepositoryIdentity;
  /** `ref`: what to read at when `sha` is not a commit GitHub can be asked for (see GithubRepositoriesRepository.headCommit). */
  head: { sha: string; sourceVersion: number; ref?: string };
  /**
   * The head is the branch as it is now (a rescan, a reconciliation, a refresh, a forced
   * push), so the read outranks everything published for the repository before it.
   */
  describesBranchNow?: boolean;
  scope: SyncScope;
  /** The delivery (or `refresh:…`, `reconcile:…`) the events are attributed to. */
  deliveryId: string;
}

// Location entities may point at files that hold Locations; a cycle or a chain this deep is a mistake.
const MAX_LOCATION_DEPTH = 5;
// Another writer (a reconciliation beside the service) changed the record: decide again, a bounded number of times.
const MAX_ATTEMPTS = 5;

const EMPTY: SyncOutcome = { files: 0, upserts: 0, removals: 0, invalidDocuments: 0 };
const refOf = (repository: RepositoryIdentity): GithubRepositoryRef => ({ fullName: repository.fullName, installationId: repository.installationId });

/**
 * Brings the catalog to what a repository's files declare, state-based: files are read from
 * GitHub, compared with ingestion's record of what they declared, the differences published
 * as entity events, and the record updated. Every path that changes the catalog for a
 * repository (push, repository and installation events, refresh, reconciliation) goes
 * through here, one operation per repository at a time.
 */
@Injectable()
export class RepositorySync {
  private readonly logger = new Logger(RepositorySync.name);
  private readonly entityTopic: string;
  private readonly entityDeadLetterTopic: string;
  private readonly isCatalogPath: CatalogPathMatcher;
  private readonly lock = new KeyedLock<number>();

  constructor(
    private readonly records: RepositoryCatalogRepository,
    private readonly github: GithubRepositoriesRepository,
    private readonly files: CatalogFileReader,
    private readonly publisher: EventPublisher,
    @Inject(APP_CONFIG) config: IngestionConfig,
  ) {
    this.entityTopic = topicName(config, TOPICS.entityEvents);
    this.entityDeadLetterTopic = topicName(config, deadLetterTopicOf(TOPICS.entityEvents));
    this.isCatalogPath = catalogPathMatcher(config.CATALOG_FILE_PATHS);
  }

  /** The record of a repository, or null. */
  recorded(id: number): Promise<RepositoryRecord | null> {
    return this.records.find(id);
  }

  /** Reads the files in scope at the head commit and publishes what changed. */
  sync(request: SyncRequest): Promise<SyncOutcome> {
    return this.exclusive(request.repository.id, () => this.syncOnce(request));
  }

  /**
   * Reads the whole repository again as GitHub describes it now (looked up by id, so renames
   * and transfers are followed). A repository that is gone, out of the installation's reach,
   * archived or empty leaves the catalog.
   */
  rescan(id: number, installationId: number | undefined, deliveryId: string, reason: string): Promise<SyncOutcome> {
    return this.exclusive(id, async () => {
      const record = await this.records.find(id);
      const through = installationId ?? record?.installationId;
      const repository = await this.github.findById(id, through);
      if (!repository || repository.archived) return this.removeOnce(id, deliveryId, repository ? 'archived' : 'not found');
      this.logger.log({ msg: 'rescanning repository', deliveryId, repository: repository.fullName, reason });
      return this.syncBranchNow(repository, { kind: 'all' }, deliveryId);
    });
  }

  /** Reads the whole repository as just listed from GitHub (reconciliation); an archived or empty one leaves the catalog. */
  scan(repository: RepositoryIdentity, deliveryId: string, reason: string): Promise<SyncOutcome> {
    return this.exclusive(repository.id, async () => {
      if (repository.archived) return this.removeOnce(repository.id, deliveryId, 'archived');
      this.logger.debug({ msg: 'scanning repository', deliveryId, repository: repository.fullName, reason });
      return this.syncBranchNow(repository, { kind: 'all' }, deliveryId);
    });
  }

  /**
   * Reads the catalog file behind a location again at the default branch's head (and what
   * it leads to), as GitHub describes the repository now.
   */
  refreshPath(repository: RepositoryIdentity, path: string, deliveryId: string): Promise<SyncOutcome> {
    return this.exclusive(repository.id, () => this.syncBranchNow(repository, { kind: 'touched', paths: [path] }, deliveryId));
  }

  /** Removes every entity the repository's files declared; the record keeps only the repository and the newest version published. */
  remove(id: number, deliveryId: string, reason: string): Promise<SyncOutcome> {
    return this.exclusive(id, () => this.removeOnce(id, deliveryId, reason));
  }

  private async exclusive(id: number, work: () => Promise<SyncOutcome>): Promise<SyncOutcome> {
    return this.lock.run(id, async () => {
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await work();
        } catch (err) {
          if (!(err instanceof RecordChangedError) || attempt >= MAX_ATTEMPTS) throw err;
        }
      }
    });
  }

  /** Reads `scope` at the default branch's head as GitHub has it now; an empty repository leaves the catalog. */
  private async syncBranchNow(repository: RepositoryIdentity, scope: SyncScope, deliveryId: string): Promise<SyncOutcome> {
    const head = await this.github.headCommit(refOf(repository), repository.defaultBranch);
    if (!head) return this.removeOnce(repository.id, deliveryId, 'empty');
    return this.syncOnce({ repository, head: { sha: head.sha, sourceVersion: head.committedAt, ref: head.ref }, describesBranchNow: true, scope, deliveryId });
  }

  private async removeOnce(id: number, deliveryId: string, reason: string): Promise<SyncOutcome> {
    const record = await this.records.find(id);
    if (!record || record.files.length === 0) return EMPTY;
    // Each file's own version: the removal wins over what that file published, and a later
    // scan of the same commit (an unarchived repository) is not older than the removal.
    const events = record.files.flatMap((file) =>
      file.refs.map((ref) =>
        this.event(record, { type: 'removal', ref, location: { type: 'url', target: file.target }, path: file.path }, { sha: file.commitSha, sourceVersion: file.sourceVersion }, deliveryId),
      ),
    );
    await this.publish(events, deliveryId);
    // Kept without files rather than deleted: a read after this (unarchived, added back) must outrank these removals.
    await this.records.write(record, [], newestPublishedVersion(record), record.revision);
    this.logger.log({ msg: 'repository left the catalog', deliveryId, repository: record.fullName, reason, removals: events.length });
    return { ...EMPTY, files: record.files.length, removals: events.length };
  }

  private async syncOnce(request: SyncRequest): Promise<SyncOutcome> {
    const { repository, scope, deliveryId } = request;
    const record = await this.records.find(repository.id);
    const recordedFiles = record?.files ?? [];
    const head = request.describesBranchNow ? { ...request.head, sourceVersion: currentReadVersion(record, request.head.sourceVersion) } : request.head;

    let roots: string[];
    let inScope: RecordedFile[];
    if (scope.kind === 'all') {
      roots = (await this.github.listFiles(refOf(repository), head.ref ?? head.sha)).filter(this.isCatalogPath);
      inScope = recordedFiles;
    } else {
      const touched = new Set(scope.paths);
      roots = [...new Set([...scope.paths.filter(this.isCatalogPath), ...recordedFiles.filter((f) => touched.has(f.path)).map((f) => f.originPath)])].sort();
      const rootSet = new Set(roots);
      inScope = recordedFiles.filter((f) => rootSet.has(f.originPath));
    }
    if (roots.length === 0 && inScope.length === 0) return EMPTY;

    const read = await this.readFrom(repository, head.ref ?? head.sha, roots, scope.kind === 'touched' ? scope.previousCommit : undefined, deliveryId);
    const outcome: SyncOutcome = { files: read.length, upserts: 0, removals: 0, invalidDocuments: 0 };
    for (const file of read) outcome.invalidDocuments += await this.deadLetterInvalid(repository, file, head.sha, deliveryId);

    const plan = planSync({ recorded: inScope, read: read.map((r) => r.file), head });
    if (plan.pending.length > 0 || plan.final.remove.length > 0 || record) {
      let revision = record?.revision ?? null;
      const versionFloor = newestPublishedVersion(record, plan.final.put);
      if (plan.removals.length + plan.upserts.length > 0) revision = await this.records.write(repository, merge(recordedFiles, plan.pending, []), versionFloor, revision);
      await this.publish(this.events(repository, plan, head, deliveryId), deliveryId);
      await this.records.write(repository, merge(recordedFiles, plan.final.put, plan.final.remove), versionFloor, revision);
    }
    outcome.upserts = plan.upserts.length;
    outcome.removals = plan.removals.length;
    this.logger.log({ msg: 'repository files synced', deliveryId, repository: repository.fullName, commitSha: head.sha, scope: scope.kind, ...outcome });
    return outcome;
  }

  /** Reads the catalog files, then every file their Location entities name in the repository. */
  private async readFrom(
    repository: RepositoryIdentity,
    sha: string,
    roots: readonly string[],
    previousCommit: string | undefined,
    deliveryId: string,
  ): Promise<Array<{ file: ReadFile; errors: Array<{ index: number; message: string }> }>> {
    const github = refOf(repository);
    const locationOf = (path: string): LocationSpec => githubFileLocation(repository.htmlUrl, repository.defaultBranch, path);
    const seen = new Set(roots);
    const out: Array<{ file: ReadFile; errors: Array<{ index: number; message: string }> }> = [];
    let frontier = roots.map((path) => ({ path, originPath: path }));
    for (let depth = 0; frontier.length > 0; depth += 1) {
      const next: typeof frontier = [];
      for (const { path, originPath } of frontier) {
        const isRoot = path === originPath;
        // One after the other: a failed read fails the attempt without leaving the other's
        // retries running on behind it.
        const parsed = await this.files.read(github, repository.htmlUrl, path, sha);
        const previousRefs = isRoot && previousCommit ? await this.files.readPreviousRefs(github, path, previousCommit, deliveryId) : undefined;
        out.push({
          file: {
            path,
            originPath,
            location: locationOf(path),
            originLocation: locationOf(originPath),
            entities: parsed.entities,
            invalid: parsed.errors.length > 0,
            ...(previousRefs ? { previousRefs } : {}),
          },
          errors: parsed.errors,
        });
        for (const entity of parsed.entities.values()) {
          const targets = locationTargetsInRepository(entity, { repositoryHtmlUrl: repository.htmlUrl, defaultBranch: repository.defaultBranch, catalogPath: path });
          if (targets.ignored.length > 0) this.logger.debug({ msg: 'location targets outside the repository are not followed', deliveryId, repository: repository.fullName, path, targets: targets.ignored });
          for (const target of targets.paths) {
            // A catalog file is read in its own right; anything else once, from the first file that named it.
            if (seen.has(target) || this.isCatalogPath(target)) continue;
            if (depth + 1 >= MAX_LOCATION_DEPTH) {
              this.logger.warn({ msg: 'location chain too deep; target not followed', deliveryId, repository: repository.fullName, path, target });
              continue;
            }
            seen.add(target);
            next.push({ path: target, originPath });
          }
        }
      }
      frontier = next;
    }
    return out;
  }

  private async deadLetterInvalid(repository: RepositoryIdentity, read: { file: ReadFile; errors: Array<{ index: number; message: string }> }, sha: string, deliveryId: string): Promise<number> {
    for (const error of read.errors) {
      await this.publisher.publishDeadLetter(this.entityDeadLetterTopic, {
        reason: `invalid document ${error.index} in ${repository.fullName}/${read.file.path}: ${error.message}`,
        stage: 'ingestion.catalog-file',
        deliveryId,
        original: { topic: this.entityTopic, key: read.file.location.target, value: null },
        details: { repository: repository.fullName, path: read.file.path, commitSha: sha, documentIndex: error.index, location: read.file.location.target },
      });
    }
    return read.errors.length;
  }

  private events(repository: RepositoryIdentity, plan: SyncPlan, head: { sha: string; sourceVersion: number }, deliveryId: string): EntityEventV1[] {
    // Removals first: an entity moving between files is released by one before the other claims it.
    return [
      ...plan.removals.map((r) => this.event(repository, { type: 'removal', ...r }, head, deliveryId)),
      ...plan.upserts.map((u) => this.event(repository, { type: 'upsert', ...u }, head, deliveryId)),
    ];
  }

  private event(
    repository: RepositoryIdentity,
    change:
      | { type: 'removal'; ref: string; location: LocationSpec; path: string }
      | { type: 'upsert'; ref: string; entity: Extract<EntityEventV1, { type: 'upsert' }>['entity']; location: LocationSpec; originLocation: LocationSpec; supersedesLocation?: LocationSpec; path: string },
    head: { sha: string; sourceVersion: number },
    deliveryId: string,
  ): EntityEventV1 {
    const common = {
      schemaVersion: 1 as const,
      eventId: randomUUID(),
      entityRef: change.ref,
      location: change.location,
      source: { provider: 'github' as const, deliveryId, repository: repository.fullName, repositoryId: repository.id, commitSha: head.sha, path: change.path },
      sourceVersion: head.sourceVersion,
      emittedAt: new Date().toISOString(),
    };
    if (change.type === 'removal') return { ...common, type: 'removal', originLocation: change.location };
    return {
      ...common,
      type: 'upsert',
      originLocation: change.originLocation,
      entity: change.entity,
      ...(change.supersedesLocation ? { supersedesLocation: change.supersedesLocation } : {}),
    };
  }

  private async publish(events: EntityEventV1[], deliveryId: string): Promise<void> {
    if (events.length === 0) return;
    await this.publisher.publish(
      this.entityTopic,
      entityEventV1Schema,
      events.map((event) => ({ key: event.entityRef, value: event, headers: { 'x-github-delivery': deliveryId } })),
    );
  }
}

/** The recorded files with some replaced or added (by path) and some removed. */
function merge(files: readonly RecordedFile[], put: readonly RecordedFile[], remove: readonly string[]): RecordedFile[] {
  const byPath = new Map(files.map((f) => [f.path, f]));
  for (const path of remove) byPath.delete(path);
  for (const file of put) byPath.set(file.path, file);
  return [...byPath.values()];
}
