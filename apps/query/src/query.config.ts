import { z } from 'zod';
import { booleanFlag, kafkaEnv, mongoEnv, port, serviceEnv } from '@callboard/config';

const originList = z
  .string()
  .transform((value) => value.split(',').map((o) => o.trim()).filter(Boolean))
  .pipe(z.array(z.union([z.literal('*'), z.url({ protocol: /^https?$/ })])));

export const queryConfigSchema = z.object({
  ...serviceEnv,
  ...kafkaEnv,
  ...mongoEnv,
  // Measured at 100k entities: a logger per request cut the read API's throughput by a sixth.
  HTTP_REQUEST_LOGS: booleanFlag('false'),
  // Backstage's backend listens on 7007; portals configured for it need only the host changed.
  PORT: port(7007),
  /** Browser origins allowed to call the API (comma-separated, `*` for any); none when empty. */
  CORS_ORIGINS: originList.default([]),
  /** Responses at least this large are compressed (gzip or br, as the client accepts). */
  COMPRESSION_THRESHOLD_BYTES: z.coerce.number().int().min(0).max(10_000_000).default(1024),
  /**
   * A refresh of a location requested less than this many ms after the last one recorded for it
   * is answered by that one (it has not been read yet, or was read that recently); ingestion's
   * INGESTION_REFRESH_MIN_INTERVAL_MS applies the same rule to what reaches it. 0 records every one.
   */
  REFRESH_COALESCE_MS: z.coerce.number().int().min(0).max(3_600_000).default(10_000),
  /** Refresh requests recorded per minute by this replica, all locations together; more are answered 429. */
  REFRESH_MAX_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(120),
});

export type QueryConfig = z.infer<typeof queryConfigSchema>;
