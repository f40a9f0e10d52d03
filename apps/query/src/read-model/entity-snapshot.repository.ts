import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { EntityDocument } from '@callboard/mongo';

/** Reads every served entity once, to fill the read model at start. */
@Injectable()
export class EntitySnapshotRepository {
  constructor(@InjectModel(EntityDocument.name) private readonly entities: Model<EntityDocument>) {}

  /** Streams the served JSON of every live entity (one collection scan, in batches). */
  async *servedEntities(): AsyncIterable<string> {
    // Serves the start-up load: the whole live catalog, which is a full scan on any engine.
    const cursor = this.entities
      .find({ deleted: false }, { entityJson: 1 })
      .lean<Array<Pick<EntityDocument, '_id' | 'entityJson'>>>()
      .batchSize(2000)
      .cursor();
    for await (const doc of cursor) {
      if (doc.entityJson) yield doc.entityJson;
    }
  }
}
