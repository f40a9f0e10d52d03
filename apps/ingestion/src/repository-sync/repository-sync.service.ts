import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG } from '@callboard/config';
import { CatalogFileDocumentError, Entity, entityRefOf, generatedLocationEntity, githubFileLocation, LocationSpec, locationTargetsInRepository, stableHash } from '@callboard/entity-model';
import { EntityEventGateway, PlannedEntityEvent, PlannedEntityStatus, PlannedLocationStatus, ProcessingStatus, RejectedInput } from '../entity-events/entity-event.gateway';
import type { GithubRepositoryRef } from '../github/github-client.factory';
import { GithubRepositoriesRepository } from '../github/github-repositories.repository';
import type { IngestionConfig } from '../ingestion.config';
import { CatalogFileReader, ReadCatalogFile } from './catalog-file.reader';
import { FileStatus } from './file-status';
import { catalogPathMatcher, CatalogPathMatcher } from './catalog-paths';
import { KeyedLock } from './keyed-lock';
import { RecordChangedError, RepositoryCatalogRepository } from './repository-catalog.repository';
import { placePush } from './push-order';
import type { RecordedFile, RecordedHead, RepositoryIdentity, RepositoryRecord } from './repository-record';
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
  /**
   * A push's `before`, the commit the branch was at before `head`: with it a push is ordered
   * against the newest head recorded for the repository (see placePush), so that one delivered
   * after a newer push does not bring the files back to its older state.
   */
  before?: string;
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
  private readonly isCatalogPath: CatalogPathMatcher;
  private readonly lock = new KeyedLock<number>();

  constructor(
    private readonly records: RepositoryCatalogRepository,
    private readonly github: GithubRepositoriesRepository,
    private readonly files: CatalogFileReader,
    private readonly events: EntityEventGateway,
    @Inject(APP_CONFIG) config: IngestionConfig,
  ) {
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
      file.refs.map((ref): PlannedEntityEvent => ({ type: 'removal', ref, location: { type: 'url', target: file.target }, path: file.path, commitSha: file.commitSha, sourceVersion: file.sourceVersion })),
    );
    await this.events.publish(events, { deliveryId, repository: record.fullName, repositoryId: record.id, commitSha: record.files[0].commitSha, sourceVersion: record.versionFloor }, [], goneStatus(record.files));
    // Kept without files rather than deleted: a read after this (unarchived, added back) must outrank these removals.
    await this.records.write(record, [], newestPublishedVersion(record), record.revision);
    this.logger.log({ msg: 'repository left the catalog', deliveryId, repository: record.fullName, reason, removals: events.length });
    return { ...EMPTY, files: record.files.length, removals: events.length };
  }

  /**
   * The head a sync reads at: the requested one, or for a push behind the repository's newest
   * known state that state (its files then stay as the newer push left them).
   */
  private async placed(request: SyncRequest, record: RepositoryRecord | null): Promise<{ head: SyncRequest['head']; describesBranchNow: boolean; advancesHead: boolean }> {
    const own = { head: request.head, describesBranchNow: request.describesBranchNow === true, advancesHead: true };
    if (request.before === undefined || request.describesBranchNow) return own;
    const recorded = record?.head;
    const placement = placePush(recorded, { sha: request.head.sha, before: request.before, sourceVersion: request.head.sourceVersion });
    if (placement.kind === 'apply') return { ...own, head: { ...request.head, sourceVersion: placement.sourceVersion }, advancesHead: placement.advancesHead };
    if (!recorded) return own;
    const atRecorded = { head: { sha: recorded.sha, sourceVersion: recorded.sourceVersion }, describesBranchNow: false, advancesHead: false };
    const log = (decidedBy: string) => this.logger.log({ msg: 'push is behind the recorded head; its files are read there', deliveryId: request.deliveryId, repository: request.repository.fullName, after: request.head.sha, recordedHead: recorded.sha, decidedBy });
    if (placement.kind === 'behind') {
      log('commit chain');
      return atRecorded;
    }
    // Pushed in the same second as the recorded head and not chained to it: the branch says which is newer.
    const branch = await this.github.headCommit(refOf(request.repository), request.repository.defaultBranch);
    if (!branch || branch.sha === request.head.sha) return { ...own, head: { ...request.head, sourceVersion: Math.max(request.head.sourceVersion, recorded.sourceVersion) } };
    if (branch.sha === recorded.sha) {
      log('branch head');
      return atRecorded;
    }
    this.logger.log({ msg: 'push tied with the recorded head; its files are read at the branch head', deliveryId: request.deliveryId, repository: request.repository.fullName, after: request.head.sha, branchHead: branch.sha });
    return { head: { sha: branch.sha, sourceVersion: branch.committedAt, ...(branch.ref ? { ref: branch.ref } : {}) }, describesBranchNow: true, advancesHead: true };
  }

  private async syncOnce(request: SyncRequest): Promise<SyncOutcome> {
    const { repository, scope, deliveryId } = request;
    const record = await this.records.find(repository.id);
    const recordedFiles = record?.files ?? [];
    const touchedRoots = (paths: readonly string[]) => {
      const touched = new Set(paths);
      return [...new Set([...paths.filter(this.isCatalogPath), ...recordedFiles.filter((f) => touched.has(f.path)).map((f) => f.originPath)])].sort();
    };
    // A push touching no catalog file reads nothing: no need to place it (which may ask GitHub).
    if (scope.kind === 'touched' && touchedRoots(scope.paths).length === 0) return EMPTY;
    const placed = await this.placed(request, record);
    const head = placed.describesBranchNow ? { ...placed.head, sourceVersion: currentReadVersion(record, placed.head.sourceVersion) } : placed.head;
    // A branch read by name (no commit to ask for) has no sha a later push could name as its `before`.
    const newHead: RecordedHead | undefined =
      placed.advancesHead && !head.ref ? { sha: head.sha, ...(request.before && head.sha === request.head.sha ? { before: request.before } : {}), sourceVersion: head.sourceVersion } : undefined;

    let roots: string[];
    let inScope: RecordedFile[];
    if (scope.kind === 'all') {
      roots = (await this.github.listFiles(refOf(repository), head.ref ?? head.sha)).filter(this.isCatalogPath);
      inScope = recordedFiles;
    } else {
      roots = touchedRoots(scope.paths);
      const rootSet = new Set(roots);
      inScope = recordedFiles.filter((f) => rootSet.has(f.originPath));
    }
    if (roots.length === 0 && inScope.length === 0) return EMPTY;

    const previousCommit = scope.kind === 'touched' ? scope.previousCommit : undefined;
    // A file recorded at the push's previous commit declared there what the record says: not read again.
    const knownAtPrevious = new Set(previousCommit ? inScope.filter((f) => f.commitSha === previousCommit).map((f) => f.path) : []);
    const read = await this.readFrom(repository, head.ref ?? head.sha, roots, previousCommit, knownAtPrevious, deliveryId);
    const outcome: SyncOutcome = { files: read.length, upserts: 0, removals: 0, invalidDocuments: 0 };
    const rejected = read.flatMap((file) => this.rejectedDocuments(repository, file, head.sha));
    outcome.invalidDocuments = rejected.length;
    const attribution = { deliveryId, repository: repository.fullName, repositoryId: repository.id, commitSha: head.sha, sourceVersion: head.sourceVersion };

    const plan = planSync({ recorded: inScope, read: read.map((r) => r.file), head, publishUnchanged: placed.describesBranchNow });
    const status = processingStatus(repository, head, inScope, read, plan.final.remove);
    if (plan.pending.length > 0 || plan.final.remove.length > 0 || record) {
      let revision = record?.revision ?? null;
      const versionFloor = newestPublishedVersion(record, plan.final.put);
      // Recorded before publishing, so that a crash midway still finds what to remove later: the
      // refs about to be published that the record does not hold yet. A plan that publishes none
      // (edits of recorded entities, a first read of a repository) has nothing a later read could
      // miss: a retry reads the same commit, a later push compares with its previous commit.
      const recordedRefs = new Map(recordedFiles.map((f) => [f.path, new Set(f.refs)]));
      const newRefs = record !== null && plan.pending.some((p) => p.refs.some((ref) => !recordedRefs.get(p.path)?.has(ref)));
      const needsPending = plan.removals.length > 0 || newRefs;
      if (needsPending) revision = await this.records.write(repository, merge(recordedFiles, plan.pending, []), versionFloor, revision);
      await this.events.publish(eventsOf(plan), attribution, rejected, status);
      await this.records.write(repository, merge(recordedFiles, plan.final.put, plan.final.remove), versionFloor, revision, newHead);
    } else if (rejected.length > 0 || status.locations.length > 0) {
      await this.events.publish([], attribution, rejected, status);
    }
    outcome.upserts = plan.upserts.length;
    outcome.removals = plan.removals.length;
    this.logger.log({ msg: 'repository files synced', deliveryId, repository: repository.fullName, commitSha: head.sha, scope: scope.kind, ...outcome });
    return outcome;
  }

  /**
   * Reads the catalog files, then every file their Location entities name in the repository.
   * A Location whose target file does not exist is rejected (Backstage: NotFoundError) and a
   * target that is not followed is reported, both in the declaring file's status.
   */
  private async readFrom(
    repository: RepositoryIdentity,
    sha: string,
    roots: readonly string[],
    previousCommit: string | undefined,
    knownAtPrevious: ReadonlySet<string>,
    deliveryId: string,
  ): Promise<FileRead[]> {
    const github = refOf(repository);
    const locationOf = (path: string): LocationSpec => githubFileLocation(repository.htmlUrl, repository.defaultBranch, path);
    const seen = new Set(roots);
    const out: FileRead[] = [];
    // Which file's Location (by ref) led to each target read after the catalog files.
    const declaredBy = new Map<string, { read: FileRead; ref: string; target: string }>();
    let frontier = roots.map((path) => ({ path, originPath: path }));
    for (let depth = 0; frontier.length > 0; depth += 1) {
      const next: typeof frontier = [];
      // The files of one level are read together (GithubClientFactory bounds the requests in
      // flight); all are waited for, so a failed read fails the attempt with nothing left
      // running on behind it.
      const settled = await Promise.allSettled(
        frontier.map(async ({ path, originPath }) => {
          const isRoot = path === originPath;
          const [parsed, previousRefs] = await Promise.all([
            this.files.read(github, repository.htmlUrl, path, sha),
            isRoot && previousCommit && !knownAtPrevious.has(path) ? this.files.readPreviousRefs(github, path, previousCommit, deliveryId) : Promise.resolve(undefined),
          ]);
          return { path, originPath, parsed, previousRefs };
        }),
      );
      const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      for (const { path, originPath, parsed, previousRefs } of settled.map((r) => (r as PromiseFulfilledResult<{ path: string; originPath: string; parsed: ReadCatalogFile; previousRefs: string[] | undefined }>).value)) {
        const location = locationOf(path);
        const originLocation = locationOf(originPath);
        // A catalog file is a location of its own, as Backstage's discovery registers it: its generated Location entity is part of what it declares.
        const entities = path === originPath && !parsed.missing ? withGeneratedLocation(parsed.entities, location) : parsed.entities;
        const entry: FileRead = {
          file: {
            path,
            originPath,
            location,
            originLocation,
            entities,
            hashes: publishedHashes(entities, location, originLocation),
            invalid: parsed.errors.length > 0,
            ...(previousRefs ? { previousRefs } : {}),
          },
          errors: parsed.errors,
          missing: parsed.missing,
          status: new FileStatus(parsed),
        };
        out.push(entry);
        const declarer = declaredBy.get(path);
        if (parsed.missing && declarer) declarer.read.status.targetNotFound(declarer.ref, declarer.target);
        for (const [ref, entity] of parsed.entities) {
          const targets = locationTargetsInRepository(entity, { repositoryHtmlUrl: repository.htmlUrl, defaultBranch: repository.defaultBranch, catalogPath: path });
          for (const { target, reason } of targets.ignored) entry.status.targetNotFollowed(ref, target, reason);
          if (targets.ignored.length > 0) this.logger.debug({ msg: 'location targets not followed', deliveryId, repository: repository.fullName, path, targets: targets.ignored });
          for (const target of targets.paths) {
            // A catalog file is read in its own right; anything else once, from the first file that named it.
            if (seen.has(target) || this.isCatalogPath(target)) continue;
            if (depth + 1 >= MAX_LOCATION_DEPTH) {
              entry.status.targetNotFollowed(ref, target, `Location chains are followed ${MAX_LOCATION_DEPTH} files deep`);
              this.logger.warn({ msg: 'location chain too deep; target not followed', deliveryId, repository: repository.fullName, path, target });
              continue;
            }
            seen.add(target);
            declaredBy.set(target, { read: entry, ref, target });
            next.push({ path: target, originPath });
          }
        }
      }
      frontier = next;
    }
    for (const entry of out) {
      withoutRejectedLater(entry);
      entry.file = { ...entry.file, problemRefs: [...entry.status.problems().keys()] };
    }
    return out;
  }

  private rejectedDocuments(repository: RepositoryIdentity, read: FileRead, sha: string): RejectedInput[] {
    return read.errors.map((error) => ({
      reason: `${repository.fullName}/${read.file.path}: ${error.problem.message}`,
      stage: 'ingestion.catalog-file',
      key: read.file.location.target,
      details: {
        repository: repository.fullName,
        path: read.file.path,
        commitSha: sha,
        documentIndex: error.index,
        location: read.file.location.target,
        problem: error.problem,
      },
    }));
  }
}

/** A file as read, with what became of each of its documents. */
interface FileRead {
  file: ReadFile;
  errors: CatalogFileDocumentError[];
  /** GitHub has no such file at the commit. */
  missing: boolean;
  status: FileStatus;
}

/**
 * Leaves out of a file's entities those rejected after parsing (a Location whose target is
 * missing): not published, and, as for any invalid document, nothing of the file removed, so an
 * earlier version of the entity keeps being served (with the error in its status).
 */
function withoutRejectedLater(entry: FileRead): void {
  const rejected = entry.status.rejectedAfterParse;
  if (rejected.size === 0) return;
  const entities = new Map([...entry.file.entities].filter(([ref]) => !rejected.has(ref)));
  const hashes = new Map([...(entry.file.hashes ?? [])].filter(([ref]) => !rejected.has(ref)));
  entry.file = { ...entry.file, entities, hashes, invalid: true };
}

/**
 * The processing status a sync publishes: every file read gets its status (a missing one a
 * tombstone), every ref whose document was rejected its errors, every ref whose errors an
 * earlier read published and this one no longer finds (or whose file is gone) an empty list.
 * Files whose record is newer than this read are left alone, as their entity events are.
 */
function processingStatus(
  repository: RepositoryIdentity,
  head: { sha: string; sourceVersion: number },
  recorded: readonly RecordedFile[],
  read: readonly FileRead[],
  gone: readonly string[],
): ProcessingStatus {
  const recordedByPath = new Map(recorded.map((f) => [f.path, f]));
  const entities: PlannedEntityStatus[] = [];
  const locations: PlannedLocationStatus[] = [];
  for (const entry of read) {
    const { file } = entry;
    const before = recordedByPath.get(file.path);
    if (before && before.sourceVersion > head.sourceVersion) continue;
    const problems = entry.status.problems();
    const status = (ref: string, errors: PlannedEntityStatus['errors']): PlannedEntityStatus => ({ ref, location: file.location, path: file.path, commitSha: head.sha, sourceVersion: head.sourceVersion, errors });
    for (const [ref, errors] of problems) entities.push(status(ref, errors));
    for (const ref of before?.problemRefs ?? []) if (!problems.has(ref)) entities.push(status(ref, []));
    if (entry.missing) {
      locations.push({ target: file.location.target, status: null });
      continue;
    }
    locations.push({
      target: file.location.target,
      status: {
        location: file.location,
        originLocation: file.originLocation,
        repository: { fullName: repository.fullName, owner: repository.owner, id: repository.id },
        path: file.path,
        commitSha: head.sha,
        documents: entry.status.list(),
      },
    });
  }
  const gonePaths = new Set(gone);
  const goneFiles = recorded.filter((f) => gonePaths.has(f.path) && f.sourceVersion <= head.sourceVersion);
  const cleared = goneStatus(goneFiles, head);
  return { entities: [...entities, ...cleared.entities], locations: [...locations, ...cleared.locations] };
}

/** The status of files not read any more: their locations' tombstones, and their entities' errors cleared. */
function goneStatus(files: readonly RecordedFile[], head?: { sha: string; sourceVersion: number }): ProcessingStatus {
  return {
    entities: files.flatMap((f) =>
      (f.problemRefs ?? []).map((ref) => ({ ref, location: { type: 'url' as const, target: f.target }, path: f.path, commitSha: head?.sha ?? f.commitSha, sourceVersion: head?.sourceVersion ?? f.sourceVersion, errors: [] })),
    ),
    locations: files.map((f) => ({ target: f.target, status: null })),
  };
}

function withGeneratedLocation(entities: ReadonlyMap<string, Entity>, location: LocationSpec): Map<string, Entity> {
  const generated = generatedLocationEntity(location);
  const ref = entityRefOf(generated);
  return new Map([[ref, generated], ...[...entities].filter(([other]) => other !== ref)]);
}

/** What each entity would be published as, hashed: an unchanged entity is not published again by a push. */
function publishedHashes(entities: ReadonlyMap<string, Entity>, location: LocationSpec, originLocation: LocationSpec): Map<string, string> {
  return new Map([...entities].map(([ref, entity]) => [ref, stableHash({ entity, location, originLocation })]));
}

/** The events a sync plan publishes: removals first, so an entity moving between files is released by one before the other claims it. */
function eventsOf(plan: SyncPlan): PlannedEntityEvent[] {
  return [...plan.removals.map((r): PlannedEntityEvent => ({ type: 'removal', ...r })), ...plan.upserts.map((u): PlannedEntityEvent => ({ type: 'upsert', ...u }))];
}

/** The recorded files with some replaced or added (by path) and some removed. */
function merge(files: readonly RecordedFile[], put: readonly RecordedFile[], remove: readonly string[]): RecordedFile[] {
  const byPath = new Map(files.map((f) => [f.path, f]));
  for (const path of remove) byPath.delete(path);
  for (const file of put) byPath.set(file.path, file);
  return [...byPath.values()];
}
