import { Entity, entityEnvelopeSchemaValidator } from '@backstage/catalog-model';
import { parseAllDocuments } from 'yaml';
import { entityRefOf } from './entity-ref';
import { validateEntity } from './entity-validation';
import { PlaceholderError, PlaceholderReader, resolvePlaceholders } from './placeholders';

export interface CatalogFileDocumentError {
  /** Zero-based position of the document in the file. */
  index: number;
  message: string;
}

export interface ParsedCatalogFile {
  /**
   * Valid entities by lowercased ref. As in Backstage, where every document of a file is
   * written to the same refresh-state row in turn, the last declaration of a ref wins.
   */
  entities: Map<string, Entity>;
  errors: CatalogFileDocumentError[];
}

// GitHub's contents API serves files up to 1 MB; a catalog file larger than that is a mistake.
const MAX_FILE_BYTES = 1024 * 1024;

const envelopeValidator = entityEnvelopeSchemaValidator();

/** The lowercased ref of a document whose envelope is valid (Backstage stores such a document even if it then fails processing). */
function envelopeRefOf(value: object): string | undefined {
  try {
    return entityRefOf(envelopeValidator(value));
  } catch {
    return undefined;
  }
}

/**
 * Parses a multi-document catalog-info.yaml. One bad document never hides the others: each
 * is validated on its own and errors are returned next to the valid entities.
 */
export async function parseCatalogFile(content: string, options: { readPlaceholder?: PlaceholderReader } = {}): Promise<ParsedCatalogFile> {
  const result: ParsedCatalogFile = { entities: new Map(), errors: [] };
  if (Buffer.byteLength(content, 'utf8') > MAX_FILE_BYTES) {
    result.errors.push({ index: 0, message: `file is larger than ${MAX_FILE_BYTES} bytes` });
    return result;
  }
  // As Backstage's parseEntityYaml: YAML 1.2 core schema, merge keys (`<<`) not resolved.
  const documents = parseAllDocuments(content, { merge: false });
  const list = Array.isArray(documents) ? documents : [documents];
  for (const [index, document] of list.entries()) {
    if (document.errors.length > 0) {
      result.errors.push({ index, message: `invalid YAML: ${document.errors[0].message}` });
      continue;
    }
    // A cap on alias expansion keeps a "billion laughs" file from exhausting memory.
    let value: unknown;
    try {
      value = document.toJS({ json: true, maxAliasCount: 100 });
    } catch (err) {
      result.errors.push({ index, message: `invalid YAML: ${(err as Error).message}` });
      continue;
    }
    if (value === null || value === undefined) continue; // empty document, e.g. a trailing `---`
    if (typeof value !== 'object' || Array.isArray(value)) {
      result.errors.push({ index, message: 'document is not a YAML mapping' });
      continue;
    }
    try {
      value = await resolvePlaceholders(value, options.readPlaceholder);
    } catch (err) {
      if (!(err instanceof PlaceholderError)) throw err;
      result.errors.push({ index, message: err.message });
      continue;
    }
    const validation = await validateEntity(value);
    if (!validation.ok) {
      result.errors.push({ index, message: validation.error });
      // Backstage stores a document with a valid envelope over any earlier one of the same ref
      // and then fails to process it, so the earlier declaration is not served either.
      const ref = envelopeRefOf(value as object);
      if (ref) result.entities.delete(ref);
      continue;
    }
    const ref = entityRefOf(validation.entity);
    // Delete first so that the map's order follows the winning (last) declaration.
    result.entities.delete(ref);
    result.entities.set(ref, validation.entity);
  }
  return result;
}
