import { z } from 'zod';

/**
 * callboard.github.deliveries.v1 — one accepted GitHub webhook delivery, recorded before
 * the webhook is answered so that nothing accepted can be lost.
 *
 * Key: `repo:<repository id>` when the payload names a repository (per-repository order),
 * else `org:<organization id>`, else `installation:<installation id>`, else
 * `delivery:<delivery id>`.
 */
export const githubDeliveryV1Schema = z.object({
  schemaVersion: z.literal(1),
  deliveryId: z.string().min(1).max(200),
  event: z.string().min(1).max(100),
  hookId: z.string().max(100).optional(),
  receivedAt: z.iso.datetime(),
  /** The webhook body exactly as GitHub sent it (JSON object); its shape depends on `event`. */
  payload: z.record(z.string(), z.unknown()),
});

export type GithubDeliveryV1 = z.infer<typeof githubDeliveryV1Schema>;

const idOf = (value: unknown): string | undefined => {
  if (!value || typeof value !== 'object' || !('id' in value)) return undefined;
  const id = (value as { id: unknown }).id;
  return typeof id === 'number' || typeof id === 'string' ? String(id) : undefined;
};

/**
 * Deliveries about the same thing share a partition, so they are handled in the order GitHub
 * sent them: a repository's, else an organisation's (its people), else an installation's.
 */
export function githubDeliveryKey(payload: Record<string, unknown>, deliveryId: string): string {
  const repository = idOf(payload.repository);
  if (repository !== undefined) return `repo:${repository}`;
  const organization = idOf(payload.organization);
  if (organization !== undefined) return `org:${organization}`;
  const installation = idOf(payload.installation);
  if (installation !== undefined) return `installation:${installation}`;
  return `delivery:${deliveryId}`;
}
