import { Entity } from '@backstage/catalog-model';

export interface LocationChangePlan {
  /** Refs the location declared before and no longer declares. */
  removals: string[];
  /** Everything the location declares now; unchanged ones are skipped downstream by hash. */
  upserts: Array<{ ref: string; entity: Entity }>;
}

/**
 * What to publish for one location given what it declared before and declares now.
 * Removals come first so that an entity moving between files of one push is released by
 * the old file before the new one claims it.
 */
export function planLocationChanges(before: ReadonlyMap<string, Entity>, after: ReadonlyMap<string, Entity>): LocationChangePlan {
  const removals = [...before.keys()].filter((ref) => !after.has(ref)).sort();
  const upserts = [...after.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([ref, entity]) => ({ ref, entity }));
  return { removals, upserts };
}
