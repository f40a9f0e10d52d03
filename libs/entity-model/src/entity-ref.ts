import { DEFAULT_NAMESPACE, Entity, parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';

/**
 * The catalog's key for an entity: `kind:namespace/name` lowercased, because Backstage
 * compares refs case-insensitively.
 */
export function entityRefOf(entity: Pick<Entity, 'kind' | 'metadata'>): string {
  return stringifyEntityRef({
    kind: entity.kind,
    namespace: entity.metadata.namespace ?? DEFAULT_NAMESPACE,
    name: entity.metadata.name,
  }).toLocaleLowerCase('en-US');
}

export function entityRefFromParts(kind: string, namespace: string, name: string): string {
  return stringifyEntityRef({ kind, namespace, name }).toLocaleLowerCase('en-US');
}

/** Normalises a possibly shorthand ref (`group:team-a`, `team-a`) against defaults, lowercased. */
export function normalizeEntityRef(ref: string, defaults: { defaultKind?: string; defaultNamespace?: string } = {}): string {
  return stringifyEntityRef(
    parseEntityRef(ref, {
      defaultKind: defaults.defaultKind,
      defaultNamespace: defaults.defaultNamespace ?? DEFAULT_NAMESPACE,
    }),
  ).toLocaleLowerCase('en-US');
}
