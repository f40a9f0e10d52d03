import { catalogService } from '../../apps/catalog/src/catalog.service';
import { rebuildProjection, RebuildRefusedError } from '../../apps/catalog/src/rebuild/rebuild-projection';
import { queryService } from '../../apps/query/src/query.service';
import { componentEntity, groupEntity, removalEvent, upsertEvent } from '../factories/entity-events';
import { EntityEventWriter } from '../support/entity-event-writer';
import { eventually, isolatedEnv, startService } from '../support/service-harness';

type Served = { metadata: { name: string; uid: string; etag: string; description?: string }; spec: { owner?: string }; relations: unknown[] };

describe('rebuilding the projection from the event log', () => {
  it('produces exactly the live projection (uids and etags included), switches to it and tells the query replicas', async () => {
    const env = isolatedEnv('rebuild');
    const catalog = await startService(catalogService, env);
    const query = await startService(queryService, env);
    const writer = await EntityEventWriter.connect(env);
    const entities = async (): Promise<Served[]> => {
      const response = await fetch(`${query.url}/api/catalog/entities?order=asc:metadata.name`);
      return (await response.json()) as Served[];
    };
    try {
      await writer.send(
        upsertEvent(groupEntity('platform', { children: ['sre'] })),
        upsertEvent(groupEntity('sre', { parent: 'platform' })),
        upsertEvent(componentEntity('api-gateway', { owner: 'sre', system: 'edge' }), { sourceVersion: 1 }),
        upsertEvent(componentEntity('api-gateway', { owner: 'platform', system: 'edge', lifecycle: 'experimental' }), { sourceVersion: 2 }),
        upsertEvent(componentEntity('legacy', { owner: 'sre' }), { sourceVersion: 1 }),
        removalEvent('component:default/legacy', { sourceVersion: 2 }),
      );
      const live = await eventually(async () => {
        const served = await entities();
        const gateway = served.find((e) => e.metadata.name === 'api-gateway');
        const platform = served.find((e) => e.metadata.name === 'platform');
        // platform: parentOf sre, childOf-less, ownerOf api-gateway.
        return served.length === 3 && gateway?.spec.owner === 'platform' && platform?.relations.length === 2 ? served : undefined;
      });

      await expect(rebuildProjection({ env })).rejects.toThrow(RebuildRefusedError);
      await catalog.close();
      const result = await rebuildProjection({ env });
      expect(result.entities).toBe(3);

      // The query replica follows the served table the rebuild published: the same catalog.
      expect(await entities()).toEqual(live);

      // The restarted catalog goes on from the rebuilt projection, uids kept.
      const restarted = await startService(catalogService, env);
      try {
        await writer.send(upsertEvent(componentEntity('api-gateway', { owner: 'platform', system: 'edge', lifecycle: 'experimental' }, { description: 'after the rebuild' }), { sourceVersion: 3 }));
        const changed = await eventually(async () => (await entities()).find((e) => e.metadata.description === 'after the rebuild'));
        expect(changed.metadata.uid).toBe(live.find((e) => e.metadata.name === 'api-gateway')!.metadata.uid);
      } finally {
        await restarted.close();
      }
    } finally {
      await writer.disconnect();
      await query.close();
      await catalog.close().catch(() => undefined);
    }
  });
});
