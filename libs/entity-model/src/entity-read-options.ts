import get from 'lodash/get';
import set from 'lodash/set';
import type { Entity } from '@backstage/catalog-model';

export class InvalidReadOptionError extends Error {}

/** Backstage's `fields` parameter: comma-separated dotted paths, repeatable; array paths are refused. */
export function parseFieldsParam(params: readonly string[]): string[] | undefined {
  const fields = params
    .flatMap((p) => p.split(','))
    .map((f) => f.trim())
    .filter(Boolean);
  if (fields.some((f) => f.includes('['))) throw new InvalidReadOptionError('Invalid fields parameter: array type fields are not supported');
  return fields.length ? fields : undefined;
}

/** Keeps only the requested paths of an entity, as Backstage's entity transform does. */
export function projectFields(entity: Entity, fields: readonly string[] | undefined): Partial<Entity> {
  if (!fields) return entity;
  const output = {};
  for (const field of fields) {
    const value: unknown = get(entity, field);
    if (value !== undefined) set(output, field, value);
  }
  return output;
}

export interface OrderDirective {
  field: string;
  order: 'asc' | 'desc';
}

/** Backstage's `order` parameter: `asc:metadata.name` / `desc:spec.type`, repeatable. */
export function parseOrderParam(params: readonly string[]): OrderDirective[] {
  return params.map((param) => {
    const match = /^(asc|desc):(.+)$/.exec(param.trim());
    if (!match) throw new InvalidReadOptionError(`Invalid order parameter "${param}": expected asc:<field> or desc:<field>`);
    return { order: match[1] as 'asc' | 'desc', field: match[2].trim() };
  });
}

function sortValue(entity: Entity, field: string): string | undefined {
  const value: unknown = get(entity, field);
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined || first === null || typeof first === 'object') return undefined;
  return String(first).toLocaleLowerCase('en-US');
}

/**
 * Orders entities by the directives, case-insensitively; entities without the field come
 * last whatever the direction, and ties keep the input order.
 */
export function orderEntities(entities: readonly Entity[], directives: readonly OrderDirective[]): Entity[] {
  if (directives.length === 0) return [...entities];
  return entities
    .map((entity, index) => ({ entity, index, keys: directives.map((d) => sortValue(entity, d.field)) }))
    .sort((a, b) => {
      for (const [i, directive] of directives.entries()) {
        const x = a.keys[i];
        const y = b.keys[i];
        if (x === y) continue;
        if (x === undefined) return 1;
        if (y === undefined) return -1;
        const cmp = x < y ? -1 : 1;
        return directive.order === 'asc' ? cmp : -cmp;
      }
      return a.index - b.index;
    })
    .map((item) => item.entity);
}

/** A non-negative integer query parameter, or a 400-worthy error naming it. */
export function parseCountParam(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new InvalidReadOptionError(`Invalid ${name} parameter "${value}": expected a non-negative integer`);
  return Number(value);
}
