import { lowerCase } from './lower-case';
import {
  CompoundEntityRef,
  Entity,
  getCompoundEntityRef,
  parseEntityRef,
  RELATION_API_CONSUMED_BY,
  RELATION_API_PROVIDED_BY,
  RELATION_CHILD_OF,
  RELATION_CONSUMES_API,
  RELATION_DEPENDENCY_OF,
  RELATION_DEPENDS_ON,
  RELATION_HAS_MEMBER,
  RELATION_HAS_PART,
  RELATION_MEMBER_OF,
  RELATION_OWNED_BY,
  RELATION_OWNER_OF,
  RELATION_PARENT_OF,
  RELATION_PART_OF,
  RELATION_PROVIDES_API,
  stringifyEntityRef,
} from '@backstage/catalog-model';

/**
 * One relation row as Backstage's relations table holds it: emitted by an entity (the
 * originating one) and stitched into `source`'s served `relations`. Refs are in Backstage's
 * string form (`stringifyEntityRef`): kind, namespace and name all lowercased, so a spec
 * reference written `Group:Default/Team-A` is stored and served as `group:default/team-a`.
 */
export interface RelationRow {
  source: string;
  type: string;
  target: string;
}

type Spec = Record<string, unknown>;

interface RelationRule {
  field: string;
  defaultKind?: string;
  outgoing: string;
  incoming: string;
}

const owner = (defaultKind = 'Group'): RelationRule => ({ field: 'owner', defaultKind, outgoing: RELATION_OWNED_BY, incoming: RELATION_OWNER_OF });
const partOf = (field: string, defaultKind: string): RelationRule => ({ field, defaultKind, outgoing: RELATION_PART_OF, incoming: RELATION_HAS_PART });
const dependsOn: RelationRule = { field: 'dependsOn', outgoing: RELATION_DEPENDS_ON, incoming: RELATION_DEPENDENCY_OF };
const dependencyOf: RelationRule = { field: 'dependencyOf', outgoing: RELATION_DEPENDENCY_OF, incoming: RELATION_DEPENDS_ON };

// Which spec field emits which relation pair, per kind, with Backstage's default target kinds
// (BuiltinKindsEntityProcessor, and the scaffolder's ScaffolderEntitiesProcessor for Template).
// Kinds are matched exactly as those processors do (`entity.kind === 'Component'`).
const RULES: Record<string, RelationRule[]> = {
  Component: [
    owner(),
    partOf('subcomponentOf', 'Component'),
    { field: 'providesApis', defaultKind: 'API', outgoing: RELATION_PROVIDES_API, incoming: RELATION_API_PROVIDED_BY },
    { field: 'consumesApis', defaultKind: 'API', outgoing: RELATION_CONSUMES_API, incoming: RELATION_API_CONSUMED_BY },
    dependsOn,
    dependencyOf,
    partOf('system', 'System'),
  ],
  API: [owner(), partOf('system', 'System')],
  Resource: [owner(), dependsOn, dependencyOf, partOf('system', 'System')],
  User: [{ field: 'memberOf', defaultKind: 'Group', outgoing: RELATION_MEMBER_OF, incoming: RELATION_HAS_MEMBER }],
  Group: [
    { field: 'parent', defaultKind: 'Group', outgoing: RELATION_CHILD_OF, incoming: RELATION_PARENT_OF },
    { field: 'children', defaultKind: 'Group', outgoing: RELATION_PARENT_OF, incoming: RELATION_CHILD_OF },
    { field: 'members', defaultKind: 'User', outgoing: RELATION_HAS_MEMBER, incoming: RELATION_MEMBER_OF },
  ],
  System: [owner(), partOf('domain', 'Domain')],
  Domain: [owner(), partOf('subdomainOf', 'Domain')],
  Template: [owner()],
};

// The scaffolder's processor only handles its own Template version.
const TEMPLATE_API_VERSION = 'scaffolder.backstage.io/v1beta3';

function rulesFor(entity: Entity): RelationRule[] {
  if (entity.kind === 'Template' && entity.apiVersion !== TEMPLATE_API_VERSION) return [];
  return Object.prototype.hasOwnProperty.call(RULES, entity.kind) ? RULES[entity.kind] : [];
}

function refString(ref: CompoundEntityRef): string {
  return stringifyEntityRef(ref);
}

/** Each reference an entity's relation fields hold, with the rule that turns it into relations. */
function* referencesOf(entity: Entity): Generator<{ rule: RelationRule; target: unknown; index?: number }> {
  const spec = (entity.spec ?? {}) as Spec;
  for (const rule of rulesFor(entity)) {
    const value = spec[rule.field];
    // Backstage skips any falsy value (`if (!targets) return`), an empty string included.
    if (!value) continue;
    if (!Array.isArray(value)) yield { rule, target: value };
    else for (const [index, target] of value.entries()) yield { rule, target, index };
  }
}

/**
 * The relations an entity emits, both directions, as Backstage emits them. A malformed
 * reference throws (Backstage fails the entity's processing the same way).
 */
export function emitRelations(entity: Entity): RelationRow[] {
  const self = getCompoundEntityRef(entity);
  const selfRef = refString(self);
  const rows: RelationRow[] = [];
  for (const { rule, target } of referencesOf(entity)) {
    if (typeof target !== 'string') throw new Error(`spec.${rule.field} must be an entity reference string, got ${JSON.stringify(target)}`);
    const targetRef = refString(parseEntityRef(target, { defaultKind: rule.defaultKind, defaultNamespace: self.namespace }));
    rows.push({ source: selfRef, type: rule.outgoing, target: targetRef });
    rows.push({ source: targetRef, type: rule.incoming, target: selfRef });
  }
  return dedupeRows(rows);
}

/** The first reference that fails emitRelations, and why, to tell the entity's author which one. */
export interface ReferenceProblem {
  /** The spec field, e.g. `dependsOn`. */
  field: string;
  /** Its position when the field is a list. */
  index?: number;
  value: unknown;
  /** The kind a reference without one gets, when the field has one. */
  defaultKind?: string;
  /** `without-kind`: a field with no default kind (dependsOn, dependencyOf) needs `kind:` written. */
  problem: 'not-a-string' | 'without-kind' | 'malformed';
  /** The error emitRelations throws for it. */
  error: string;
}

export function findReferenceProblem(entity: Entity): ReferenceProblem | undefined {
  const namespace = getCompoundEntityRef(entity).namespace;
  for (const { rule, target, index } of referencesOf(entity)) {
    const at = { field: rule.field, ...(index !== undefined ? { index } : {}), value: target, ...(rule.defaultKind ? { defaultKind: rule.defaultKind } : {}) };
    if (typeof target !== 'string') return { ...at, problem: 'not-a-string', error: `spec.${rule.field} must be an entity reference string, got ${JSON.stringify(target)}` };
    try {
      parseEntityRef(target, { defaultKind: rule.defaultKind, defaultNamespace: namespace });
    } catch (err) {
      const error = (err as Error).message;
      return { ...at, problem: rule.defaultKind === undefined && /missing or empty kind/.test(error) ? 'without-kind' : 'malformed', error };
    }
  }
  return undefined;
}

export function relationRowKey(row: RelationRow): string {
  return `${lowerCase(row.source)}\u0000${row.type}\u0000${lowerCase(row.target)}`;
}

function dedupeRows(rows: RelationRow[]): RelationRow[] {
  const seen = new Map<string, RelationRow>();
  for (const row of rows) if (!seen.has(relationRowKey(row))) seen.set(relationRowKey(row), row);
  return [...seen.values()];
}

/** The lowercased refs whose stitched relations change when an entity's rows go from `before` to `after`. */
export function affectedByRelationChange(before: readonly RelationRow[], after: readonly RelationRow[]): string[] {
  const beforeKeys = new Set(before.map(relationRowKey));
  const afterKeys = new Set(after.map(relationRowKey));
  const affected = new Set<string>();
  for (const row of before) if (!afterKeys.has(relationRowKey(row))) affected.add(lowerCase(row.source));
  for (const row of after) if (!beforeKeys.has(relationRowKey(row))) affected.add(lowerCase(row.source));
  return [...affected].sort();
}

/**
 * The served `relations` of an entity, as Backstage's performStitching builds them: every row
 * whose source is the entity, from whichever entity emitted it, `SELECT DISTINCT type,
 * target_entity_ref ... ORDER BY type, target_entity_ref`, each as `{ type, targetRef }` only.
 * Targets are Backstage's lowercased refs; the order is by code unit (SQLite's and Postgres'
 * "C" collation).
 */
export function stitchRelations(entityRef: string, candidateRows: readonly RelationRow[]): Array<{ type: string; targetRef: string }> {
  const self = lowerCase(entityRef);
  const unique = new Map<string, { type: string; targetRef: string }>();
  for (const row of candidateRows) {
    if (lowerCase(row.source) !== self) continue;
    const targetRef = lowerCase(row.target);
    const key = `${row.type}\u0000${targetRef}`;
    if (!unique.has(key)) unique.set(key, { type: row.type, targetRef });
  }
  return [...unique.values()].sort((a, b) =>
    a.type === b.type ? (a.targetRef < b.targetRef ? -1 : a.targetRef > b.targetRef ? 1 : 0) : a.type < b.type ? -1 : 1,
  );
}
