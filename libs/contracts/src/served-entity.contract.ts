import { z } from 'zod';

/**
 * A served entity as the catalog stitched it (Backstage's "final entity"): checked at its
 * envelope only, because a kind's own rules were applied when the catalog processed it and the
 * rest is whatever its file declared.
 */
export const servedEntitySchema = z
  .object({
    apiVersion: z.string(),
    kind: z.string(),
    metadata: z.object({ name: z.string(), namespace: z.string().optional(), uid: z.string().optional(), etag: z.string().optional() }).catchall(z.unknown()),
  })
  .catchall(z.unknown());

export type ServedEntityV1 = z.infer<typeof servedEntitySchema>;

/**
 * callboard.entities.v1 — the served catalog as a table: the latest served entity of every
 * entity ref, compacted by key, a tombstone (no value) once the entity is gone. Reading it from
 * the beginning gives the whole catalog as it is (how a query replica starts); reading on gives
 * every change as it is written.
 *
 * Key: the entity ref, lowercased. Header CATALOG_CHANGE_WRITTEN_AT_HEADER as on catalog changes.
 */
export const catalogEntityV1Schema = servedEntitySchema;
