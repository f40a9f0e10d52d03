import type { Entity } from '@backstage/catalog-model';

/**
 * The spec fields Backstage's BuiltinKindsEntityProcessor sorts in its preProcessEntity step
 * (@backstage/plugin-catalog-backend 4.0.0). It sorts them whatever the entity's kind.
 */
export const SORTED_RELATION_FIELDS = ['providesApis', 'consumesApis', 'dependsOn', 'dependencyOf', 'memberOf', 'children', 'members'] as const;

/**
 * Backstage's pre-processing of relation lists: each of SORTED_RELATION_FIELDS that holds a
 * list of strings is served sorted by UTF-16 code unit (`Array.prototype.sort()` without a
 * comparator), so `API:default/Payments-API` comes before `checkout-api`. Entries are kept as
 * written, duplicates included; a single string, a list holding anything but strings, or an
 * absent field is left alone. Since relations have no order, a source that reorders its lists
 * then changes neither the served entity nor its etag.
 *
 * Returns a new entity when anything moved; the input is never changed.
 */
export function sortRelationFields(entity: Entity): Entity {
  const spec = entity.spec;
  if (!spec || typeof spec !== 'object' || Array.isArray(spec)) return entity;
  let sorted: Record<string, unknown> | undefined;
  for (const field of SORTED_RELATION_FIELDS) {
    const value = (spec as Record<string, unknown>)[field];
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) continue;
    const ordered = [...(value as string[])].sort();
    if (ordered.every((item, i) => item === value[i])) continue;
    sorted = { ...(sorted ?? spec), [field]: ordered };
  }
  return sorted ? { ...entity, spec: sorted as Entity['spec'] } : entity;
}
