import { z } from 'zod';

const entityRef = z.string().regex(/^[^:/A-Z]+:[^:/A-Z]+\/[^:/A-Z]+$/, 'a lowercase kind:namespace/name');

/**
 * `<catalog consumer group>.relations.v1` — internal to the catalog: the relations one entity
 * (the origin) emits whose source is another entity (the subject), sent to the subject's
 * partition because only the subject's owner writes the subject (a component naming its owner
 * makes the group `ownerOf` it). State, not delta: `relations` replaces what the origin emitted
 * for the subject before, an empty list withdraws it.
 *
 * Key: the subject's ref, so the update lands on the partition that owns the subject. The topic
 * has the entity-event topic's partition count and the catalog's consumers take the same
 * partition numbers of both (a co-partitioning assignor).
 */
export const relationUpdateV1Schema = z.object({
  schemaVersion: z.literal(1),
  subject: entityRef,
  origin: entityRef,
  /** Grows with every write of the origin: an update older than the one applied is stale. */
  originRevision: z.number().int().nonnegative(),
  relations: z.array(z.object({ type: z.string().min(1), targetRef: entityRef })),
  /** The entity event (delivery, commit) that changed the origin. */
  cause: z.object({
    entityRef: z.string(),
    deliveryId: z.string(),
    repository: z.string(),
    commitSha: z.string(),
    path: z.string(),
  }),
});

export type RelationUpdateV1 = z.infer<typeof relationUpdateV1Schema>;

/** The catalog's internal relations topic, named after its consumer group (each group, a rebuild's included, has its own). */
export function catalogRelationsTopic(consumerGroup: string): string {
  return `${consumerGroup}.relations.v1`;
}
