import type { Entity } from '@callboard/entity-model';
import { sendWebhook, SendWebhookResult } from '@callboard/github-stand-in';
import { eventually } from './service-harness';

/**
 * Reads served entities through the query API, as a portal would. `queryUrl` is a function
 * because suites start the query service in `beforeAll`, after they build their helpers.
 */
export function catalogReader(queryUrl: () => string) {
  const read = async (kind: string, name: string, namespace = 'default'): Promise<Entity | null> => {
    const response = await fetch(`${queryUrl()}/api/catalog/entities/by-name/${kind}/${namespace}/${name}`);
    if (response.status === 404) return null;
    if (!response.ok) throw new Error(`query answered ${response.status} for ${kind}:${namespace}/${name}`);
    return (await response.json()) as Entity;
  };
  return {
    read,
    /** The entity once it is served and `ready` holds for it. */
    served: (kind: string, name: string, ready: (entity: Entity) => boolean = () => true) =>
      eventually(async () => {
        const entity = await read(kind, name);
        return entity && ready(entity) ? entity : undefined;
      }),
    /** Once the entity is not served (any more). */
    gone: (kind: string, name: string) => eventually(async () => ((await read(kind, name)) === null ? true : undefined)),
    /** Once `ok` holds for what is served, absence (null) included. */
    until: (kind: string, name: string, ok: (entity: Entity | null) => boolean) =>
      eventually(async () => {
        const entity = await read(kind, name);
        return ok(entity) ? { entity } : undefined;
      }),
  };
}

/** Sends signed deliveries to an ingestion service; each must be accepted (202). */
export function webhookDeliverer(ingestionUrl: () => string, secret: string) {
  return async (event: string, payload: unknown): Promise<SendWebhookResult> => {
    const response = await sendWebhook({ url: `${ingestionUrl()}/webhooks/github`, secret, event, payload });
    if (response.status !== 202) throw new Error(`ingestion answered ${response.status} to a ${event} delivery: ${response.body}`);
    return response;
  };
}
