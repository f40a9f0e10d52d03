import { z } from 'zod';
import { kafkaEnv, mongoEnv, port, serviceEnv } from '@callboard/config';

export const catalogConfigSchema = z.object({
  ...serviceEnv,
  ...kafkaEnv,
  ...mongoEnv,
  PORT: port(7002),
  CATALOG_CONSUMER_GROUP: z.string().min(1).default('callboard-catalog'),
});

export type CatalogConfig = z.infer<typeof catalogConfigSchema>;
