import { z } from 'zod';

const entityRef = z.string().regex(/^[^:/A-Z]+:[^:/A-Z]+\/[^:/A-Z]+$/, 'a lowercase kind:namespace/name');
const locationRefSchema = z.object({ type: z.literal('url'), target: z.url() });

/** An error as Backstage serialises one (`serializeError`): its class name and message. */
const processingErrorSchema = z.object({
  /** `InputError` (a document the file's author can fix), `NotFoundError` (a target file that does not exist). */
  name: z.string().min(1),
  message: z.string().min(1),
});

const attributionSchema = z.object({
  deliveryId: z.string().min(1),
  repository: z.string().min(1),
  commitSha: z.string().regex(/^[0-9a-f]{40}$/),
  path: z.string().min(1),
});

/**
 * callboard.entity-status.v1 — what the latest read of a location says about processing one of
 * its entities: the errors of its document (an invalid version of an entity that was valid,
 * a Location naming a file that does not exist), or none. State, not delta: the latest record
 * of a ref replaces the earlier ones, an empty `errors` clears them. Compacted by key.
 *
 * Key: the entity ref, lowercased, partitioned as callboard.entity-events.v1 (same partition
 * count), so the catalog member owning the ref is the one that writes it into the entity.
 */
export const entityStatusV1Schema = z.object({
  schemaVersion: z.literal(1),
  entityRef,
  /** The location whose file says so: only the entity's owner location's status is served. */
  location: locationRefSchema,
  /** As the entity events of the same read: an older status never replaces a newer one. */
  sourceVersion: z.number().int().nonnegative(),
  errors: z.array(processingErrorSchema),
  source: attributionSchema,
  emittedAt: z.iso.datetime(),
});

const documentErrorSchema = processingErrorSchema.extend({
  /** 1-based line of the file where the problem is, when known. */
  line: z.number().int().positive().optional(),
  /** The field it is about (`spec.owner`), when known. */
  field: z.string().optional(),
  /** A stable code for the kind of problem (`missing-field`, `invalid-name`, `target-not-found`, `target-not-followed`…). */
  code: z.string().optional(),
});

const documentStatusSchema = z.object({
  /** Zero-based position of the document in the file. */
  index: z.number().int().nonnegative(),
  /** 1-based line where the document starts. */
  line: z.number().int().positive().optional(),
  /** Its entity ref, lowercased, when its kind and name are readable. */
  entityRef: z.string().optional(),
  /**
   * `accepted`: published (its errors then are targets not followed, which do not stop it);
   * `rejected`: not published (a served earlier version keeps being served, with the errors in
   * its `status.items`); `replaced`: valid, but a later document of the file declares the same ref.
   */
  outcome: z.enum(['accepted', 'rejected', 'replaced']),
  errors: z.array(documentErrorSchema),
  /** `spec.owner` as written, when the document has one (lets owners find their files). */
  owner: z.string().optional(),
});

/**
 * callboard.location-status.v1 — the status of one file Callboard reads (a location): which
 * commit was read last and when, and what became of each of its documents. Compacted by key; a
 * tombstone (no value) once the file is not read any more.
 *
 * Key: the location target (the file's URL on the default branch).
 */
export const locationStatusV1Schema = z.object({
  schemaVersion: z.literal(1),
  location: locationRefSchema,
  /** The catalog file it was reached from (itself, unless a Location entity led here). */
  originLocation: locationRefSchema,
  repository: z.object({ fullName: z.string().min(1), owner: z.string().min(1), id: z.number().int().optional() }),
  path: z.string().min(1),
  commitSha: z.string().regex(/^[0-9a-f]{40}$/),
  /** When ingestion read the file. */
  readAt: z.iso.datetime(),
  deliveryId: z.string().min(1),
  documents: z.array(documentStatusSchema),
});

export type ProcessingErrorV1 = z.infer<typeof processingErrorSchema>;
export type EntityStatusV1 = z.infer<typeof entityStatusV1Schema>;
export type LocationStatusV1 = z.infer<typeof locationStatusV1Schema>;
export type LocationDocumentStatusV1 = z.infer<typeof documentStatusSchema>;
export type LocationDocumentErrorV1 = z.infer<typeof documentErrorSchema>;
