import type { Entity } from '@callboard/entity-model';
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
