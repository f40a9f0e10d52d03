/**
 * The served entities a synthetic catalog ends as, computed in memory with the catalog's own
 * pure functions (@callboard/entity-model processing, relations and stitching): what the
 * in-process read-model benchmark loads, without servers.
 */
import { randomUUID } from 'node:crypto';
import { decideUpsert, Entity, RelationRow, serveEntity, stitchRelations, validateEntity } from '@callboard/entity-model';
import { SyntheticCatalog, upsertEventsOf } from '../../tools/synthetic-catalog/src';

export async function servedInMemory(catalog: SyntheticCatalog): Promise<Entity[]> {
  const processed = new Map<string, { uid: string; entity: Entity; rows: RelationRow[] }>();
  for (const event of upsertEventsOf(catalog)) {
    const validation = await validateEntity(event.entity);
    if (!validation.ok) throw new Error(`invalid synthetic entity ${event.entityRef}: ${validation.error}`);
    const decision = decideUpsert(null, { entity: validation.entity, location: event.location, originLocation: event.originLocation, sourceVersion: event.sourceVersion }, () => randomUUID());
    if (decision.action !== 'write') throw new Error(`unexpected decision for ${event.entityRef}: ${decision.action}`);
    processed.set(event.entityRef, { uid: decision.uid, entity: decision.processed, rows: decision.relationRows });
  }
  // Every row under its (lowercased) source, whoever emitted it.
  const bySource = new Map<string, RelationRow[]>();
  for (const item of processed.values()) {
    for (const row of item.rows) {
      const source = row.source.toLocaleLowerCase('en-US');
      bySource.set(source, [...(bySource.get(source) ?? []), row]);
    }
  }
  return [...processed.entries()].map(([ref, item]) => serveEntity(item.entity, item.uid, stitchRelations(ref, bySource.get(ref) ?? [])).entity);
}
