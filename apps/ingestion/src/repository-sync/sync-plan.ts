import type { Entity, LocationSpec } from '@callboard/entity-model';
import type { RecordedFile } from './repository-record';

/** A file as just read from GitHub, with where its entities are published from. */
export interface ReadFile {
  path: string;
  originPath: string;
  location: LocationSpec;
  originLocation: LocationSpec;
  entities: ReadonlyMap<string, Entity>;
  /** A broken document: as in Backstage, the file then removes nothing. */
  invalid: boolean;
  /** Refs the file declared at the push's previous head, when that was read (a push's own file lists). */
  previousRefs?: readonly string[];
  /** A hash of what each entity is published as (entity and locations): an equal recorded one means unchanged. */
  hashes?: ReadonlyMap<string, string>;
  /** Refs whose documents the read rejected (their processing errors are published). */
  problemRefs?: readonly string[];
}

export interface PlannedRemoval {
  ref: string;
  /** The owner of the entity: the location the ref was published from. */
  location: LocationSpec;
  path: string;
}

export interface PlannedUpsert {
  ref: string;
  entity: Entity;
  location: LocationSpec;
  originLocation: LocationSpec;
  /** The location the file was published from before (renamed repository, new default branch). */
  supersedesLocation?: LocationSpec;
  path: string;
}

export interface SyncPlan {
  removals: PlannedRemoval[];
  upserts: PlannedUpsert[];
  /**
   * Recorded before anything is published: every ref that may be in the catalog after
   * publishing, under the location that owns it until the upserts apply. A crash while
   * publishing then leaves a record from which a retry still finds everything to remove.
   */
  pending: RecordedFile[];
  /** The record once everything is published. */
  final: { put: RecordedFile[]; remove: string[] };
}

export interface SyncInput {
  /** Recorded files within the sync's scope (all of the repository, or those reached from the catalog files read). */
  recorded: readonly RecordedFile[];
  read: readonly ReadFile[];
  head: { sha: string; sourceVersion: number };
  /**
   * Upsert every declared entity, also those published unchanged before: a read of the branch as
   * it is now heals whatever the catalog may have missed. Otherwise (a push) only what changed.
   */
  publishUnchanged?: boolean;
}

const byRef = <T extends { ref: string }>(a: T, b: T) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0);
const url = (target: string): LocationSpec => ({ type: 'url', target });

/**
 * What a sync of a repository's files publishes and records, state-based: each file read now
 * against what the record says it declared (and, for a push, what it declared at the previous
 * head). Recorded files in scope that were not read any more are gone: everything they
 * declared is removed. A file moved to another location (its target changed) hands its
 * entities over instead of conflicting with itself. A record newer than this sync wins: its
 * file is left alone, as the catalog would ignore the older events anyway.
 */
export function planSync(input: SyncInput): SyncPlan {
  const { head } = input;
  const recordedByPath = new Map(input.recorded.map((file) => [file.path, file]));
  const plan: SyncPlan = { removals: [], upserts: [], pending: [], final: { put: [], remove: [] } };
  const newer = (file: RecordedFile | undefined) => file !== undefined && file.sourceVersion > head.sourceVersion;

  for (const file of input.read) {
    const recorded = recordedByPath.get(file.path);
    recordedByPath.delete(file.path);
    if (newer(recorded)) continue;
    const declared = [...file.entities.keys()].sort();
    const owner = recorded ? url(recorded.target) : file.location;
    const moved = recorded !== undefined && recorded.target !== file.location.target;
    const before = new Set([...(recorded?.refs ?? []), ...(file.previousRefs ?? [])]);
    if (!file.invalid) {
      for (const ref of [...before].sort()) if (!file.entities.has(ref)) plan.removals.push({ ref, location: owner, path: file.path });
    }
    const recordedHash = new Map((recorded?.refs ?? []).map((ref, i) => [ref, recorded?.hashes?.[i]]));
    for (const ref of declared) {
      const hash = file.hashes?.get(ref);
      if (!input.publishUnchanged && !moved && hash !== undefined && recordedHash.get(ref) === hash) continue;
      plan.upserts.push({
        ref,
        entity: file.entities.get(ref)!,
        location: file.location,
        originLocation: file.originLocation,
        ...(moved ? { supersedesLocation: owner } : {}),
        path: file.path,
      });
    }
    const kept = file.invalid ? [...new Set([...(recorded?.refs ?? []), ...declared])].sort() : declared;
    const hashes = kept.map((ref) => file.hashes?.get(ref) ?? recordedHash.get(ref) ?? '');
    const entry: RecordedFile = {
      path: file.path,
      originPath: file.originPath,
      target: file.location.target,
      refs: kept,
      ...(file.hashes ? { hashes } : {}),
      ...(file.problemRefs && file.problemRefs.length > 0 ? { problemRefs: [...file.problemRefs].sort() } : {}),
      commitSha: head.sha,
      sourceVersion: head.sourceVersion,
    };
    plan.final.put.push(entry);
    const { hashes: _hashes, problemRefs: _problemRefs, ...withoutHashes } = entry;
    const problemRefs = [...new Set([...(recorded?.problemRefs ?? []), ...(file.problemRefs ?? [])])].sort();
    // Until published, nothing is known to be in the catalog as hashed: no hashes, so a retry publishes everything again.
    // Problems both recorded and new: a retry after a crash still clears what this read no longer finds.
    plan.pending.push({ ...withoutHashes, ...(problemRefs.length > 0 ? { problemRefs } : {}), target: owner.target, refs: [...new Set([...(recorded?.refs ?? []), ...declared])].sort(), sourceVersion: recorded?.sourceVersion ?? head.sourceVersion });
  }

  for (const gone of recordedByPath.values()) {
    if (newer(gone)) continue;
    for (const ref of gone.refs) plan.removals.push({ ref, location: url(gone.target), path: gone.path });
    plan.final.remove.push(gone.path);
  }
  plan.removals.sort(byRef);
  plan.upserts.sort(byRef);
  return plan;
}

/** The newest version published for a repository's files: those recorded and those already gone. */
export function newestPublishedVersion(record: { files: readonly RecordedFile[]; versionFloor: number } | null, more: readonly RecordedFile[] = []): number {
  return [...(record?.files ?? []), ...more].reduce((newest, file) => Math.max(newest, file.sourceVersion), record?.versionFloor ?? 0);
}

/**
 * The version of a read of the branch as it is now (a rescan, a reconciliation, a refresh,
 * a forced push): newer than anything published for the repository, because it is. Commit
 * times cannot say so: the head may be an old commit (a force-push back, a revert), and a
 * repository archived after its last push would otherwise come back older than its removal.
 */
export function currentReadVersion(record: { files: readonly RecordedFile[]; versionFloor: number } | null, committedAt: number): number {
  return record ? Math.max(committedAt, newestPublishedVersion(record) + 1) : committedAt;
}
