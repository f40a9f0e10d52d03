import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { RelationRow } from '@callboard/entity-model';
import { decodeIndexedRow, encodeIndexedRow, RelationSourceDocument } from '@callboard/mongo';

/** The relation index: rows grouped by their source entity, so stitching is one lookup. */
@Injectable()
export class RelationIndexRepository {
  constructor(@InjectModel(RelationSourceDocument.name) private readonly sources: Model<RelationSourceDocument>) {}

  async rowsWithSource(sourceRef: string): Promise<RelationRow[]> {
    const doc = await this.sources.findById(sourceRef.toLocaleLowerCase('en-US')).lean<RelationSourceDocument>().exec();
    return (doc?.rows ?? []).map((encoded) => decodeIndexedRow(sourceRef, encoded));
  }

  /** Applies one entity's row changes; idempotent, so it is simply re-run after a crash. */
  async applyDelta(originRef: string, removed: readonly RelationRow[], added: readonly RelationRow[]): Promise<void> {
    const bySource = (rows: readonly RelationRow[]) => {
      const grouped = new Map<string, string[]>();
      for (const row of rows) {
        const key = row.source.toLocaleLowerCase('en-US');
        grouped.set(key, [...(grouped.get(key) ?? []), encodeIndexedRow(row, originRef)]);
      }
      return grouped;
    };
    for (const [source, rows] of bySource(removed)) {
      await this.sources.updateOne({ _id: source }, { $pullAll: { rows } }).exec();
    }
    for (const [source, rows] of bySource(added)) {
      await this.sources.updateOne({ _id: source }, { $addToSet: { rows: { $each: rows } } }, { upsert: true }).exec();
    }
  }
}
