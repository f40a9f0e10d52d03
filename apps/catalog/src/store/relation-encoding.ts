import type { RelationRow } from '@callboard/entity-model';
import type { ServedRelation } from './entity-record';

// Entity refs and relation types never contain `|`, so it separates the parts unambiguously.
const SEPARATOR = '|';

/** A row this entity emits, as stored: `source|type|target`. */
export function encodeRelationRow(row: RelationRow): string {
  return [row.source, row.type, row.target].join(SEPARATOR);
}

export function decodeRelationRow(encoded: string): RelationRow {
  const [source, type, target] = encoded.split(SEPARATOR);
  return { source, type, target };
}

/** A relation another entity emits towards this one, as stored: `type|targetRef`. */
export function encodeServedRelation(relation: ServedRelation): string {
  return [relation.type, relation.targetRef].join(SEPARATOR);
}

export function decodeServedRelation(encoded: string): ServedRelation {
  const [type, targetRef] = encoded.split(SEPARATOR);
  return { type, targetRef };
}
