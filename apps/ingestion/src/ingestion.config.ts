import { z } from 'zod';
import { kafkaEnv, port, serviceEnv } from '@callboard/config';

export const ingestionConfigSchema = z.object({
  ...serviceEnv,
  ...kafkaEnv,
  PORT: port(7001),
  /** Shared secret of the GitHub webhook; deliveries whose X-Hub-Signature-256 does not match it are refused. */
  GITHUB_WEBHOOK_SECRET: z.string().min(1, 'required: the webhook secret configured on GitHub'),
  /** GitHub's payloads are capped at 25 MB; anything larger is not from GitHub. */
  WEBHOOK_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(25 * 1024 * 1024),
  /** REST API base URL: https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server. */
  GITHUB_API_URL: z.url().default('https://api.github.com'),
  GITHUB_TOKEN: z.string().min(1).optional(),
  GITHUB_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(120000).default(15000),
  /** Retries of a GitHub request after a server error or a rate limit, before the delivery fails. */
  GITHUB_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(3),
  /** Repository paths read as catalog files (comma-separated). */
  CATALOG_FILE_PATHS: z
    .string()
    .default('catalog-info.yaml')
    .transform((v) => v.split(',').map((p) => p.trim().replace(/^\/+/, '')).filter(Boolean))
    .pipe(z.array(z.string().min(1)).min(1, 'at least one path')),
  INGESTION_CONSUMER_GROUP: z.string().min(1).default('callboard-ingestion'),
});

export type IngestionConfig = z.infer<typeof ingestionConfigSchema>;
