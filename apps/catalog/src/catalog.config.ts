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
});

export type CatalogConfig = z.infer<typeof catalogConfigSchema>;
