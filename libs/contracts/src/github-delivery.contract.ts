import { z } from 'zod';

/**
 * callboard.github.deliveries.v1 — one accepted GitHub webhook delivery, recorded before
 * the webhook is answered so that nothing accepted can be lost.
 *
 * Key: `repo:<repository id>` when the payload names a repository (per-repository order),
 * else `delivery:<delivery id>`.
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

export function githubDeliveryKey(payload: Record<string, unknown>, deliveryId: string): string {
  const repository = payload.repository;
  if (repository && typeof repository === 'object' && 'id' in repository) {
    const id = (repository as { id: unknown }).id;
    if (typeof id === 'number' || typeof id === 'string') return `repo:${id}`;
  }
  return `delivery:${deliveryId}`;
}
