import { hostname } from 'node:os';
import { z } from 'zod';
import { kafkaEnv, mongoEnv, port, serviceEnv } from '@callboard/config';

export const catalogConfigSchema = z.object({
  ...serviceEnv,
  ...kafkaEnv,
  ...mongoEnv,
  PORT: port(7002),
  CATALOG_CONSUMER_GROUP: z.string().min(1).default('callboard-catalog'),
  /** CloudEvents `source` of the change events: this catalog instance. */
  CATALOG_EVENT_SOURCE: z.string().min(1).default(`/callboard/catalog/${hostname()}`),
  /** How often unfinished work (a crash between steps, a failed publish) is looked for and finished. */
  CATALOG_RECOVERY_INTERVAL_MS: z.coerce.number().int().min(1000).max(3600000).default(30000),
  /**
   * Fault injection for crash tests: SIGKILL the process after a change is written and before
   * its event is published (`kill-before-publish`), or after publishing and before the outbox
   * is cleared (`kill-after-publish`). Never set it in production.
   */
  CATALOG_FAILPOINT: z.enum(['none', 'kill-before-publish', 'kill-after-publish']).default('none'),
  /** Set by the rebuild command: project into `entities<suffix>` / `relation_sources<suffix>`. */
  CATALOG_COLLECTION_SUFFIX: z
    .string()
    .regex(/^[A-Za-z0-9_]*$/, 'letters, digits and "_"')
    .max(60)
    .default(''),
  /** Set by the rebuild command: change events of a rebuild are not news; they are dropped, not published. */
  CATALOG_PUBLISH_CHANGES: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** Set by the rebuild command: reuse the live projection's uids so they stay stable for the life of each entity. */
  CATALOG_UIDS_FROM_LIVE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});

export type CatalogConfig = z.infer<typeof catalogConfigSchema>;
