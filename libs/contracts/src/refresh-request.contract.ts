import { z } from 'zod';

/**
 * callboard.refresh-requests.v1 — someone asked to re-read an entity's location now (Backstage's
 * "refresh" button, `POST /api/catalog/refresh`). The query service answers at once; ingestion
 * re-reads the file and its result travels the normal pipeline.
 *
 * Key: the location target, so repeated requests for one file stay in order.
 */
export const refreshRequestV1Schema = z.object({
  schemaVersion: z.literal(1),
  requestId: z.uuid(),
  entityRef: z.string().min(1),
  /** The entity's origin location, as Backstage writes it: `url:<target>`. */
  location: z.object({ type: z.string().min(1), target: z.string().min(1) }),
  requestedAt: z.iso.datetime(),
});

export type RefreshRequestV1 = z.infer<typeof refreshRequestV1Schema>;
