import { DEFAULT_NAMESPACE, Entity, parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { lowerCase } from './lower-case';

/**
 * The catalog's key for an entity: `kind:namespace/name` lowercased, because Backstage
 * compares refs case-insensitively.
 */
export function entityRefOf(entity: Pick<Entity, 'kind' | 'metadata'>): string {
  return lowerCase(
    stringifyEntityRef({
      kind: entity.kind,
      namespace: entity.metadata.namespace ?? DEFAULT_NAMESPACE,
      name: entity.metadata.name,
    }),
  );
}

export function entityRefFromParts(kind: string, namespace: string, name: string): string {
  return lowerCase(stringifyEntityRef({ kind, namespace, name }));
}

/** Normalises a possibly shorthand ref (`group:team-a`, `team-a`) against defaults, lowercased. */
export function normalizeEntityRef(ref: string, defaults: { defaultKind?: string; defaultNamespace?: string } = {}): string {
  return lowerCase(
    stringifyEntityRef(
      parseEntityRef(ref, {
        defaultKind: defaults.defaultKind,
        defaultNamespace: defaults.defaultNamespace ?? DEFAULT_NAMESPACE,
      }),
    ),
  );
}
