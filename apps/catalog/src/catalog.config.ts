import { hostname } from 'node:os';
import { z } from 'zod';
import { booleanFlag, kafkaEnv, mongoEnv, port, serviceEnv } from '@callboard/config';

export const catalogConfigSchema = z.object({
  ...serviceEnv,
  ...kafkaEnv,
  ...mongoEnv,
  PORT: port(7002),
  CATALOG_CONSUMER_GROUP: z.string().min(1).default('callboard-catalog'),
  /** CloudEvents `source` of the change events: this catalog instance. */
  CATALOG_EVENT_SOURCE: z.string().min(1).default(`/callboard/catalog/${hostname()}`),
  /** How many partition numbers this instance works on at once (each runs its batches one at a time). */
  CATALOG_PARTITIONS_CONCURRENTLY: z.coerce.number().int().min(1).max(64).default(3),
  /** Most bytes of messages fetched per partition for one batch: larger batches coalesce more and write in bigger bulks. */
  CATALOG_MAX_BATCH_BYTES: z.coerce.number().int().min(64 * 1024).max(64 * 1024 * 1024).default(2 * 1024 * 1024),
  /**
   * Most messages processed as one batch (a larger fetch is processed in slices of this many):
   * what one batch writes, publishes and keeps in memory stays bounded, and it is done and
   * committed in seconds even on a slow engine.
   */
  CATALOG_MAX_BATCH_MESSAGES: z.coerce.number().int().min(1).max(100_000).default(1000),
  /**
   * A batch still running after this many ms makes the catalog exit (its supervisor starts it
   * again, and the outbox finishes what the batch had written): the consumer heartbeats while a
   * batch runs, so one that never ends would otherwise hold its partitions for good.
   */
  CATALOG_BATCH_STALL_TIMEOUT_MS: z.coerce.number().int().min(10_000).max(3_600_000).default(120_000),
  /**
   * Least time between two batches of relation updates of one partition, in ms: what arrives
   * meanwhile is applied together, so an entity many others name is rewritten once per interval.
   * The entity a push changes is served without it; only the relations it adds to other
   * entities wait up to this long.
   */
  CATALOG_RELATIONS_LINGER_MS: z.coerce.number().int().min(0).max(60_000).default(250),
  /**
   * How long a batch's outbox (what it published) is kept, in hours: a catalog down longer than
   * this with an unfinished batch cannot publish its change events again (the state it wrote stands).
   */
  CATALOG_OUTBOX_RETENTION_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(48),
  /** Memory for entity records kept between batches (hot entities: groups, systems), in MiB. */
  CATALOG_CACHE_MB: z.coerce.number().int().min(1).max(4096).default(128),
  /** Set by the rebuild command: project into `entities<suffix>`. */
  CATALOG_COLLECTION_SUFFIX: z
    .string()
    .regex(/^[A-Za-z0-9_]*$/, 'letters, digits and "_"')
    .max(60)
    .default(''),
  /** Set by the rebuild command: change events of a rebuild are not news; they are dropped, not published or recorded. */
  CATALOG_PUBLISH_CHANGES: booleanFlag('true'),
  /** Set by the rebuild command: reuse the live projection's uids (and history numbering) so they stay stable for the life of each entity. */
  CATALOG_UIDS_FROM_LIVE: booleanFlag('false'),
});

export type CatalogConfig = z.infer<typeof catalogConfigSchema>;
