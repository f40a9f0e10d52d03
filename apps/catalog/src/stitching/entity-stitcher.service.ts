import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '@callboard/config';
import { Entity, serveEntity, stitchRelations } from '@callboard/entity-model';
import type { CatalogConfig } from '../catalog.config';
import { buildChangeEvent, ChangeCause } from '../changes/change-event.factory';
import { ConcurrentWriteError, EntityStoreRepository } from '../projection/entity-store.repository';
import { RelationIndexRepository } from '../projection/relation-index.repository';

const MAX_ATTEMPTS = 8;

export interface StitchResult {
  /** Change events in the document's outbox after the stitch, oldest first. */
  outbox: string[];
  /** When the write of a changed entity (the outbox's last event) was acknowledged. */
  writtenAt?: number;
}

/**
 * Stitching (Backstage's third step): the served entity is the processed input plus every
 * relation whose source it is, whoever emitted it. A changed result gets a new etag and a
 * change event in the same write; an unchanged one writes nothing.
 */
@Injectable()
export class EntityStitcher {
  constructor(
    private readonly store: EntityStoreRepository,
    private readonly relations: RelationIndexRepository,
    @Inject(APP_CONFIG) private readonly config: CatalogConfig,
  ) {}

  /**
   * Returns the document's outbox as this stitch left it (`writtenAt` set when it wrote a
   * change, the last event), so the caller can publish it without reading the document again:
   * on FerretDB every read by `_id` scans the collection.
   */
  async stitch(ref: string, cause: ChangeCause): Promise<StitchResult> {
    for (let attempt = 1; ; attempt += 1) {
      const doc = await this.store.find(ref);
      if (!doc || doc.deleted || !doc.processedJson) return { outbox: doc?.outbox ?? [] };
      const processed = JSON.parse(doc.processedJson) as Entity;
      const { entity, etag } = serveEntity(processed, doc.uid, stitchRelations(ref, await this.relations.rowsWithSource(ref)));
      if (etag === doc.etag) {
        try {
          await this.store.touch(ref, doc.revision);
          return { outbox: doc.outbox ?? [] };
        } catch (err) {
          if (!(err instanceof ConcurrentWriteError) || attempt >= MAX_ATTEMPTS) throw err;
          continue;
        }
      }
      const before = doc.entityJson ? (JSON.parse(doc.entityJson) as Entity) : null;
      const event = buildChangeEvent({
        source: this.config.CATALOG_EVENT_SOURCE,
        type: before ? 'updated' : 'created',
        entityRef: ref,
        uid: doc.uid,
        before,
        after: entity,
        cause,
      });
      const changeEvent = JSON.stringify(event);
      try {
        await this.store.writeServed(ref, doc.revision, { entityJson: JSON.stringify(entity), etag, changeEvent });
        return { outbox: [...(doc.outbox ?? []), changeEvent], writtenAt: Date.now() };
      } catch (err) {
        if (!(err instanceof ConcurrentWriteError) || attempt >= MAX_ATTEMPTS) throw err;
      }
    }
  }
}
