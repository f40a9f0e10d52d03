import { createHash, randomUUID } from 'node:crypto';
import type { EntityUpsertV1 } from '@callboard/contracts';
import type { SyntheticCatalog, SyntheticEntity } from './generate-catalog';

/** A fixed point in time for the whole dataset, so a cached load and a fresh one agree. */
export const SYNTHETIC_SOURCE_VERSION = Date.UTC(2025, 0, 1);

/** The commit a repository's file was "pushed" at: a stable fake SHA per seed and repository. */
export function syntheticCommitSha(seed: string, repository: string): string {
  return createHash('sha1').update(`${seed}\u0000${repository}`).digest('hex');
}

export interface UpsertEventOptions {
  /** Push time of the file (ms); later events of the same entity must use a larger value. */
  sourceVersion?: number;
  /** Delivery id recorded with the change (default: one stable id per repository). */
  deliveryId?: string;
  emittedAt?: string;
}

/**
 * The entity event GitHub ingestion would publish for this entity of this repository file
 * (callboard.entity-events.v1, key = the entity ref): an upsert from
 * `https://github.com/<repo>/blob/main/<path>`.
 */
export function upsertEventOf(seed: string, item: SyntheticEntity, options: UpsertEventOptions = {}): EntityUpsertV1 {
  const target = `https://github.com/${item.repository}/blob/main/${item.path}`;
  const commitSha = syntheticCommitSha(seed, item.repository);
  return {
    schemaVersion: 1,
    eventId: randomUUID(),
    type: 'upsert',
    entityRef: item.ref,
    location: { type: 'url', target },
    originLocation: { type: 'url', target },
    source: {
      provider: 'github',
      deliveryId: options.deliveryId ?? `synthetic-${commitSha.slice(0, 12)}`,
      repository: item.repository,
      commitSha,
      path: item.path,
    },
    sourceVersion: options.sourceVersion ?? SYNTHETIC_SOURCE_VERSION,
    emittedAt: options.emittedAt ?? new Date(options.sourceVersion ?? SYNTHETIC_SOURCE_VERSION).toISOString(),
    entity: item.entity as EntityUpsertV1['entity'],
  };
}

/** One upsert per entity, in the catalog's file order. */
export function* upsertEventsOf(catalog: SyntheticCatalog, options: UpsertEventOptions = {}): Generator<EntityUpsertV1> {
  for (const item of catalog.entities) yield upsertEventOf(catalog.seed, item, options);
}
