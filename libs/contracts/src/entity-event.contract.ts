import { z } from 'zod';

/**
 * callboard.entity-events.v1 — what a source (GitHub ingestion) says about one entity:
 * "this location now declares it" (upsert) or "this location no longer declares it" (removal).
 *
 * Key: the entity ref, lowercased (`component:default/payments`), so every event of one
 * entity lands on one partition in order. The topic is compacted by key, so it can rebuild
 * the catalog projection.
 */
const locationRefSchema = z.object({
  type: z.literal('url'),
  target: z.url(),
});

const sourceSchema = z.object({
  provider: z.literal('github'),
  deliveryId: z.string().min(1),
  repository: z.string().min(1),
  repositoryId: z.number().int().optional(),
  commitSha: z.string().regex(/^[0-9a-f]{40}$/),
  path: z.string().min(1),
});

const entityEnvelopeSchema = z
  .object({
    apiVersion: z.string().min(1),
    kind: z.string().min(1),
    metadata: z
      .object({
        name: z.string().min(1),
        namespace: z.string().min(1).optional(),
      })
      .catchall(z.unknown()),
    spec: z.record(z.string(), z.unknown()).optional(),
  })
  .catchall(z.unknown());

const commonFields = {
  schemaVersion: z.literal(1),
  eventId: z.uuid(),
  entityRef: z
    .string()
    .regex(/^[^:/A-Z]+:[^:/A-Z]+\/[^:/A-Z]+$/, 'entityRef must be a lowercase kind:namespace/name'),
  location: locationRefSchema,
  originLocation: locationRefSchema,
  source: sourceSchema,
  /**
   * Orders events of one entity: the source's own notion of time (the pushed commit's
   * timestamp, in ms). The catalog ignores an event older than what it already applied.
   */
  sourceVersion: z.number().int().nonnegative(),
  emittedAt: z.iso.datetime(),
};

export const entityUpsertV1Schema = z.object({
  ...commonFields,
  type: z.literal('upsert'),
  entity: entityEnvelopeSchema,
  /**
   * The location this one replaces (a renamed or transferred repository, a changed default
   * branch): when that location owns the entity, ownership moves to `location` and the entity
   * keeps its uid and history instead of being a conflict.
   */
  supersedesLocation: locationRefSchema.optional(),
});

export const entityRemovalV1Schema = z.object({
  ...commonFields,
  type: z.literal('removal'),
});

export const entityEventV1Schema = z.discriminatedUnion('type', [entityUpsertV1Schema, entityRemovalV1Schema]);

export type EntityUpsertV1 = z.infer<typeof entityUpsertV1Schema>;
export type EntityRemovalV1 = z.infer<typeof entityRemovalV1Schema>;
export type EntityEventV1 = z.infer<typeof entityEventV1Schema>;
export type EntityEnvelope = z.infer<typeof entityEnvelopeSchema>;
export type LocationRef = z.infer<typeof locationRefSchema>;
export type EntityEventSource = z.infer<typeof sourceSchema>;
