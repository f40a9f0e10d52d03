import hasIn from 'lodash/hasIn';
import set from 'lodash/set';
import { QueryInputError } from './query-input-error';

/**
 * Backstage's `fields`: comma-separated (and repeated) paths, trimmed, empty ones dropped,
 * duplicates removed; array paths are refused. Undefined means "whole entities".
 */
export function parseFieldList(values: readonly unknown[]): string[] | undefined {
  const fields: string[] = [];
  for (const value of values) {
    if (typeof value !== 'string') throw new QueryInputError('Invalid fields, not a string');
    for (const field of value.split(',').map((f) => f.trim())) {
      if (!field || fields.includes(field)) continue;
      if (field.includes('[')) throw new QueryInputError(`Invalid field "${field}", array type fields are not supported`);
      fields.push(field);
    }
  }
  return fields.length ? fields : undefined;
}

/**
 * Keeps only the given paths of an entity, in the order the fields were asked for. A path part
 * that is not a key is joined with the next one, so annotation keys with dots
 * (`metadata.annotations.backstage.io/orphan`) resolve as Backstage resolves them.
 */
export function projectFields(entity: object, fields: readonly string[]): Record<string, unknown> {
  const output: Record<string, unknown> = {};
  for (const field of fields) {
    const parts = field.split('.');
    const path: string[] = [];
    let node: unknown = entity;
    let found = true;
    for (let i = 0; i < parts.length; i++) {
      if (node !== null && node !== undefined && hasIn(node, [parts[i]])) {
        node = (node as Record<string, unknown>)[parts[i]];
        path.push(parts[i]);
      } else if (i + 1 < parts.length) {
        parts[i + 1] = `${parts[i]}.${parts[i + 1]}`;
      } else {
        found = false;
      }
    }
    if (found && node !== undefined) set(output, path, node);
  }
  return output;
}
