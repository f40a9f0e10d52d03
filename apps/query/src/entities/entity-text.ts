import { IndexedEntity, projectFields } from '@callboard/catalog-index';

/** One entity as response JSON: the stored bytes as they are, or the requested fields only. */
export function entityText(entity: IndexedEntity, fields: readonly string[] | undefined): Buffer | string {
  return fields ? JSON.stringify(projectFields(JSON.parse(entity.json) as object, fields)) : entity.text;
}
