import { IndexedEntity, projectFields } from '@callboard/catalog-index';

/** One entity as response JSON: the stored text as is, or the requested fields only. */
export function entityText(entity: IndexedEntity, fields: readonly string[] | undefined): string {
  return fields ? JSON.stringify(projectFields(JSON.parse(entity.json) as object, fields)) : entity.json;
}

export function jsonArray(items: readonly string[]): string {
  return `[${items.join(',')}]`;
}
