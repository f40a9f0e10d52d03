import type { RelationUpdateV1 } from '@callboard/contracts';
import { lowerCase, type RelationRow } from '@callboard/entity-model';
import type { ServedRelation } from '../store/entity-record';

type Cause = RelationUpdateV1['cause'];

const lower = (ref: string) => lowerCase(ref);

function bySubject(origin: string, rows: readonly RelationRow[]): Map<string, ServedRelation[]> {
  const grouped = new Map<string, Map<string, ServedRelation>>();
  for (const row of rows) {
    const subject = lower(row.source);
    if (subject === origin) continue;
    const relation = { type: row.type, targetRef: lower(row.target) };
    const relations = grouped.get(subject) ?? new Map<string, ServedRelation>();
    relations.set(`${relation.type}|${relation.targetRef}`, relation);
    grouped.set(subject, relations);
  }
  const sorted = new Map<string, ServedRelation[]>();
  for (const [subject, relations] of grouped) sorted.set(subject, [...relations.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r));
  return sorted;
}

const sameRelations = (a: readonly ServedRelation[], b: readonly ServedRelation[]) =>
  a.length === b.length && a.every((r, i) => r.type === b[i].type && r.targetRef === b[i].targetRef);

/**
 * The updates an entity's change sends to the other entities its relations name (rows whose
 * source is another entity: a component's owner gets `ownerOf`): one per subject whose rows from
 * this origin changed, with the full new list (empty when withdrawn). The subject's own
 * consumer applies it; the origin never writes another entity's document.
 */
export function relationUpdatesFor(origin: string, before: readonly RelationRow[], after: readonly RelationRow[], originRevision: number, cause: Cause): RelationUpdateV1[] {
  const self = lower(origin);
  const previous = bySubject(self, before);
  const next = bySubject(self, after);
  const subjects = [...new Set([...previous.keys(), ...next.keys()])].sort();
  const updates: RelationUpdateV1[] = [];
  for (const subject of subjects) {
    const relations = next.get(subject) ?? [];
    if (sameRelations(previous.get(subject) ?? [], relations)) continue;
    updates.push({ schemaVersion: 1, subject, origin: self, originRevision, relations, cause });
  }
  return updates;
}
