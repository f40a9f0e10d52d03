import { z } from 'zod';
import { servedEntitySchema } from './served-entity.contract';

export const CATALOG_CHANGE_TYPES = {
  created: 'io.callboard.entity.created',
  updated: 'io.callboard.entity.updated',
  deleted: 'io.callboard.entity.deleted',
} as const;

const jsonPatchOperationSchema = z.object({
  op: z.enum(['add', 'remove', 'replace', 'move', 'copy', 'test']),
  path: z.string(),
  value: z.unknown().optional(),
  from: z.string().optional(),
});

/**
 * Optional Kafka header on a catalog change: milliseconds since the epoch at which the catalog's
 * write of that change was acknowledged by the database (absent when the event is published
 * again after a crash). Lets a subscriber measure write → visible.
 */
export const CATALOG_CHANGE_WRITTEN_AT_HEADER = 'callboard-written-at';

/**
 * callboard.catalog-changes.v1 — every change of a served entity (including changes caused
 * only by re-stitching relations), as a CloudEvents 1.0 event in structured JSON mode.
 *
 * Key: the entity ref, lowercased. `id` is fixed when the change is recorded, so a
 * redelivered copy carries the same id and subscribers can drop it.
 */
export const catalogChangeV1Schema = z.object({
  specversion: z.literal('1.0'),
  id: z.uuid(),
  source: z.string().min(1),
  type: z.enum([CATALOG_CHANGE_TYPES.created, CATALOG_CHANGE_TYPES.updated, CATALOG_CHANGE_TYPES.deleted]),
  subject: z.string().min(1),
  time: z.iso.datetime(),
  datacontenttype: z.literal('application/json'),
  data: z.object({
    entityRef: z.string().min(1),
    uid: z.string().min(1),
    /** Etag of the served entity after the change; null when it was deleted. */
    etag: z.string().nullable(),
    before: servedEntitySchema.nullable(),
    after: servedEntitySchema.nullable(),
    /** RFC 6902 JSON Patch from `before` to `after`. */
    patch: z.array(jsonPatchOperationSchema),
    /** What caused it: the entity event (and so the delivery and commit) being processed. */
    cause: z.object({
      entityRef: z.string(),
      deliveryId: z.string(),
      repository: z.string(),
      commitSha: z.string(),
      path: z.string(),
    }),
  }),
});

export type CatalogChangeV1 = z.infer<typeof catalogChangeV1Schema>;
export type CatalogChangeType = keyof typeof CATALOG_CHANGE_TYPES;
