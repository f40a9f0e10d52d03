import { z } from 'zod';

/**
 * `<topic>.dlq` — a message that could not be processed, with the reason, so an operator
 * can see it and replay it. The original value is kept verbatim (it may not even be JSON).
 */
export const deadLetterV1Schema = z.object({
  schemaVersion: z.literal(1),
  reason: z.string().min(1),
  failedAt: z.iso.datetime(),
  stage: z.string().min(1),
  deliveryId: z.string().optional(),
  original: z.object({
    topic: z.string(),
    partition: z.number().int().optional(),
    offset: z.string().optional(),
    key: z.string().nullable(),
    value: z.string().nullable(),
    /** The original message's headers, so a replay re-publishes it as it was. */
    headers: z.record(z.string(), z.string()).optional(),
  }),
  /** Structured context (e.g. the document index inside a catalog file). */
  details: z.record(z.string(), z.unknown()).optional(),
});

export type DeadLetterV1 = z.infer<typeof deadLetterV1Schema>;
