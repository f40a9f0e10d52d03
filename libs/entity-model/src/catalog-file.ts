import { Entity } from '@backstage/catalog-model';
import { parseAllDocuments } from 'yaml';
import { entityRefOf } from './entity-ref';
import { validateEntity } from './entity-validation';

export interface CatalogFileDocumentError {
  /** Zero-based position of the document in the file. */
  index: number;
  message: string;
}

export interface ParsedCatalogFile {
  /** Valid entities by lowercased ref; a later duplicate in the same file is an error. */
  entities: Map<string, Entity>;
  errors: CatalogFileDocumentError[];
}

// GitHub's contents API serves files up to 1 MB; a catalog file larger than that is a mistake.
const MAX_FILE_BYTES = 1024 * 1024;

/**
 * Parses a multi-document catalog-info.yaml. One bad document never hides the others: each
 * is validated on its own and errors are returned next to the valid entities.
 */
export async function parseCatalogFile(content: string): Promise<ParsedCatalogFile> {
  const result: ParsedCatalogFile = { entities: new Map(), errors: [] };
  if (Buffer.byteLength(content, 'utf8') > MAX_FILE_BYTES) {
    result.errors.push({ index: 0, message: `file is larger than ${MAX_FILE_BYTES} bytes` });
    return result;
  }
  const documents = parseAllDocuments(content);
  const list = Array.isArray(documents) ? documents : [documents];
  for (const [index, document] of list.entries()) {
    if (document.errors.length > 0) {
      result.errors.push({ index, message: `invalid YAML: ${document.errors[0].message}` });
      continue;
    }
    // A cap on alias expansion keeps a "billion laughs" file from exhausting memory.
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: 100 });
    } catch (err) {
      result.errors.push({ index, message: `invalid YAML: ${(err as Error).message}` });
      continue;
    }
    if (value === null || value === undefined) continue; // empty document, e.g. a trailing `---`
    if (typeof value !== 'object' || Array.isArray(value)) {
      result.errors.push({ index, message: 'document is not a YAML mapping' });
      continue;
    }
    const validation = await validateEntity(value);
    if (!validation.ok) {
      result.errors.push({ index, message: validation.error });
      continue;
    }
    const ref = entityRefOf(validation.entity);
    if (result.entities.has(ref)) {
      result.errors.push({ index, message: `duplicate entity ${ref} in the same file` });
      continue;
    }
    result.entities.set(ref, validation.entity);
  }
  return result;
}
