import type { RelationRow } from '@callboard/entity-model';

// Entity refs and relation types never contain `|`, so it separates the parts unambiguously.
const SEPARATOR = '|';

/** An entity's own row list entry: `source|type|target`. */
export function encodeRelationRow(row: RelationRow): string {
  return [row.source, row.type, row.target].join(SEPARATOR);
}

export function decodeRelationRow(encoded: string): RelationRow {
  const [source, type, target] = encoded.split(SEPARATOR);
  return { source, type, target };
}

/** An entry of a source's relation index document: `type|target|originRef`. */
export function encodeIndexedRow(row: RelationRow, originRef: string): string {
  return [row.type, row.target, originRef].join(SEPARATOR);
}

export function decodeIndexedRow(source: string, encoded: string): RelationRow {
  const [type, target] = encoded.split(SEPARATOR);
  return { source, type, target };
}
