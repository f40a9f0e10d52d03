import type { RelationRow } from '@callboard/entity-model';
import type { IncomingRelations, ServedRelation } from './entity-record';

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

/** An entity's emitted rows as stored: one encoded row per line. */
export function encodeRelationRows(rows: readonly RelationRow[]): string {
  return rows.map(encodeRelationRow).join('\n');
}

export function decodeRelationRows(text: string | readonly string[] | null | undefined): RelationRow[] {
  if (!text) return [];
  return (typeof text === 'string' ? text.split('\n') : text).map(decodeRelationRow);
}

/** A relation index as stored: one line per origin, `origin<TAB>revision<TAB>relation<TAB>...`. */
export function encodeIncoming(incoming: readonly IncomingRelations[]): string {
  return incoming.map((entry) => [entry.origin, String(entry.originRevision), ...entry.relations.map(encodeServedRelation)].join('\t')).join('\n');
}

export function decodeIncoming(text: string | null | undefined): IncomingRelations[] {
  if (!text || typeof text !== 'string') return [];
  return text.split('\n').map((line) => {
    const [origin, revision, ...relations] = line.split('\t');
    return { origin, originRevision: Number(revision), relations: relations.map(decodeServedRelation) };
  });
}
