import { compare, Operation } from 'fast-json-patch';
import type { Entity } from '@backstage/catalog-model';

export type JsonPatch = Operation[];

/** RFC 6902 JSON Patch turning `before` into `after` (an absent side is the empty document). */
export function diffEntities(before: Entity | null, after: Entity | null): JsonPatch {
  return compare((before ?? {}) as object, (after ?? {}) as object);
}
