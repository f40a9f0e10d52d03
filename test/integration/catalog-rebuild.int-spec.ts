import mongoose from 'mongoose';
import { catalogService } from '../../apps/catalog/src/catalog.service';
import { rebuildProjection, RebuildRefusedError } from '../../apps/catalog/src/rebuild/rebuild-projection';
import { queryService } from '../../apps/query/src/query.service';
import { componentEntity, groupEntity, removalEvent, upsertEvent } from '../factories/entity-events';
import { EntityEventWriter } from '../support/entity-event-writer';
import { eventually, isolatedEnv, startService } from '../support/service-harness';

describe('rebuilding the projection from the event log', () => {
  it('produces exactly the live projection (uids and etags included) and switches to it', async () => {
    const env = isolatedEnv('rebuild');
    const catalog = await startService(catalogService, env);
    const query = await startService(queryService, env);
    const connection = await mongoose.createConnection(env.MONGODB_URI, { dbName: env.MONGODB_DATABASE }).asPromise();
    const writer = await EntityEventWriter.connect(env);
    try {
      const events = [
        upsertEvent(groupEntity('platform', { children: ['sre'] })),
        upsertEvent(groupEntity('sre', { parent: 'platform' })),
        upsertEvent(componentEntity('api-gateway', { owner: 'sre', system: 'edge' }), { sourceVersion: 1 }),
        upsertEvent(componentEntity('api-gateway', { owner: 'platform', system: 'edge', lifecycle: 'experimental' }), { sourceVersion: 2 }),
        upsertEvent(componentEntity('legacy', { owner: 'sre' }), { sourceVersion: 1 }),
        removalEvent('component:default/legacy', { sourceVersion: 2 }),
      ];
      await writer.send(...events);

      const served = async () => {
        const docs = await connection.db!.collection('entities').find({ deleted: false }).sort({ _id: 1 }).toArray();
        return docs.map((d) => ({ ref: String(d._id), entity: JSON.parse(d.entityJson as string) }));
      };
      const live = await eventually(async () => {
        const snapshot = await served();
        const gateway = snapshot.find((e) => e.ref === 'component:default/api-gateway');
        const sre = snapshot.find((e) => e.ref === 'group:default/sre');
        const settled = snapshot.length === 3 && gateway?.entity.spec.owner === 'platform' && sre?.entity.relations.length === 1;
        return settled && (await connection.db!.collection('entities').countDocuments({ pendingWork: true })) === 0 ? snapshot : undefined;
      });

      const saved = { ...process.env };
      Object.assign(process.env, env);
      try {
        await expect(rebuildProjection()).rejects.toThrow(RebuildRefusedError);
        await catalog.close();
        const result = await rebuildProjection();
        expect(result.entities).toBe(3);
      } finally {
        process.env = saved;
      }

      expect(await served()).toEqual(live);
      const collections = (await connection.db!.listCollections().toArray()).map((c) => c.name);
      expect(collections.filter((name) => name.includes('__'))).toEqual([]);
      const response = await fetch(`${query.url}/api/catalog/entities/by-name/component/default/api-gateway`);
      expect((await response.json()) as unknown).toEqual(live.find((e) => e.ref === 'component:default/api-gateway')!.entity);
    } finally {
      await writer.disconnect();
      await query.close();
      await catalog.close().catch(() => undefined);
      await connection.close();
    }
  });
});
