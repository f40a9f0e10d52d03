import { DEFAULT_NAMESPACE, Entity, entityEnvelopeSchemaValidator } from '@backstage/catalog-model';
import { LineCounter, parseAllDocuments } from 'yaml';
import { DocumentProblem, Explanation, explainRejection, fieldName } from './document-problems';
import { entityRefFromParts, entityRefOf } from './entity-ref';
import { validateEntity } from './entity-validation';
import { PlaceholderError, PlaceholderReader, resolvePlaceholders } from './placeholders';
import { documentStartLine, lineOfPath } from './yaml-positions';

export interface CatalogFileDocumentError {
  /** Zero-based position of the document in the file. */
  index: number;
  /** The technical reason (Backstage's words where Backstage rejects the document too). */
  message: string;
  /** The same rejection told to the file's author: field, line, and what to write instead. */
  problem: DocumentProblem;
}

/** What became of one (non-empty) document of the file. */
export interface CatalogFileDocument {
  index: number;
  /** 1-based line where the document's content starts. */
  line: number;
  /** Its entity ref, when its kind and name are readable (even if it was rejected). */
  ref?: string;
  /**
   * `replaced`: valid, but a later document of the same ref took its place (the last
   * declaration wins, as in Backstage), `replacedBy` being that document's index.
   */
  outcome: 'accepted' | 'rejected' | 'replaced';
  replacedBy?: number;
  problem?: DocumentProblem;
  /** `spec.owner` as written, when it is a string (valid or not), so that owners can find their files' problems. */
  owner?: string;
}

export interface ParsedCatalogFile {
  /**
   * Valid entities by lowercased ref. As in Backstage, where every document of a file is
   * written to the same refresh-state row in turn, the last declaration of a ref wins.
   */
  entities: Map<string, Entity>;
  errors: CatalogFileDocumentError[];
  /** Every non-empty document in file order; always set by parseCatalogFile (optional only so a hand-built empty file stays one). */
  documents?: CatalogFileDocument[];
}

export interface ParseCatalogFileOptions {
  readPlaceholder?: PlaceholderReader;
  /** The file's path, named in each problem's message when given. */
  path?: string;
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

/** The ref a document names, valid or not, for telling its author which entity a problem is about. */
function readableRefOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { kind, metadata } = value as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
  const namespace = metadata?.namespace ?? DEFAULT_NAMESPACE;
  if (typeof kind !== 'string' || !kind || typeof metadata?.name !== 'string' || !metadata.name || typeof namespace !== 'string') return undefined;
  return entityRefFromParts(kind, namespace, metadata.name);
}

function ownerOf(value: object): string | undefined {
  const owner = (value as { spec?: { owner?: unknown } }).spec?.owner;
  return typeof owner === 'string' && owner.length > 0 ? owner : undefined;
}

/** The first line of a YAML error, without the position the problem states itself. */
function yamlReason(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * Parses a multi-document catalog-info.yaml. One bad document never hides the others: each
 * is validated on its own and errors are returned next to the valid entities, each with the
 * problem told to the file's author (field, line, what to write instead).
 */
export async function parseCatalogFile(content: string, options: ParseCatalogFileOptions = {}): Promise<ParsedCatalogFile> {
  const result: Required<ParsedCatalogFile> = { entities: new Map(), errors: [], documents: [] };
  const where = (index: number, line?: number) => ` (${options.path ? `${options.path}, ` : ''}document ${index + 1}${line ? `, line ${line}` : ''})`;
  const problemOf = (index: number, explanation: Explanation, detail: string, at: { line?: number; ref?: string }): DocumentProblem => ({
    documentIndex: index,
    ...(at.line ? { line: at.line } : {}),
    ...(explanation.path && explanation.path.length > 0 ? { field: fieldName(explanation.path) } : {}),
    ...(at.ref ? { ref: at.ref } : {}),
    code: explanation.code,
    message: `${explanation.message}${where(index, at.line)}`,
    detail,
  });

  if (Buffer.byteLength(content, 'utf8') > MAX_FILE_BYTES) {
    const message = `file is larger than ${MAX_FILE_BYTES} bytes`;
    const problem: DocumentProblem = {
      documentIndex: 0,
      code: 'file-too-large',
      message: `${options.path ? `${options.path} ` : 'the file '}is larger than 1 MB, more than GitHub serves: split it into several files`,
      detail: message,
    };
    result.errors.push({ index: 0, message, problem });
    return result;
  }
  const lines = new LineCounter();
  // As Backstage's parseEntityYaml: YAML 1.2 core schema, merge keys (`<<`) not resolved.
  const parsed = parseAllDocuments(content, { merge: false, lineCounter: lines });
  const list = Array.isArray(parsed) ? parsed : [parsed];
  // Which document holds each ref now, so that a later declaration can mark it replaced.
  const holders = new Map<string, CatalogFileDocument>();

  for (const [index, document] of list.entries()) {
    const start = documentStartLine(document, lines);
    let owner: string | undefined;
    const reject = (explanation: Explanation, message: string, at: { line?: number; ref?: string } = {}) => {
      const line = at.line ?? (explanation.path ? lineOfPath(document, lines, explanation.path).line : start);
      const problem = problemOf(index, explanation, message, { line, ref: at.ref });
      result.errors.push({ index, message, problem });
      result.documents.push({ index, line: start, ...(at.ref ? { ref: at.ref } : {}), outcome: 'rejected', problem, ...(owner ? { owner } : {}) });
    };

    if (document.errors.length > 0) {
      const [error] = document.errors;
      reject({ code: 'invalid-yaml', message: `this is not valid YAML: ${yamlReason(error.message)}` }, `invalid YAML: ${error.message}`, { line: error.linePos?.[0].line ?? start });
      continue;
    }
    // A cap on alias expansion keeps a "billion laughs" file from exhausting memory.
    let value: unknown;
    try {
      value = document.toJS({ json: true, maxAliasCount: 100 });
    } catch (err) {
      reject({ code: 'invalid-yaml', message: `this YAML cannot be expanded: ${yamlReason((err as Error).message)}` }, `invalid YAML: ${(err as Error).message}`);
      continue;
    }
    if (value === null || value === undefined) continue; // empty document, e.g. a trailing `---`
    if (typeof value !== 'object' || Array.isArray(value)) {
      const found = Array.isArray(value) ? 'a list' : 'a single value';
      reject({ code: 'not-a-mapping', message: `a catalog document must be a mapping of apiVersion, kind, metadata and spec, not ${found}` }, 'document is not a YAML mapping');
      continue;
    }
    const ref = readableRefOf(value);
    owner = ownerOf(value);
    try {
      value = await resolvePlaceholders(value, options.readPlaceholder);
    } catch (err) {
      if (!(err instanceof PlaceholderError)) throw err;
      const field = err.path.length > 0 ? `${fieldName(err.path)}: ` : '';
      reject({ code: 'invalid-placeholder', path: err.path, message: `${field}${err.message}` }, err.message, { ref });
      continue;
    }
    const validation = await validateEntity(value);
    if (!validation.ok) {
      reject(explainRejection(value, validation.error), validation.error, { ref });
      // Backstage stores a document with a valid envelope over any earlier one of the same ref
      // and then fails to process it, so the earlier declaration is not served either.
      const envelopeRef = envelopeRefOf(value as object);
      if (envelopeRef) {
        result.entities.delete(envelopeRef);
        replace(holders, envelopeRef, index);
      }
      continue;
    }
    const entityRef = entityRefOf(validation.entity);
    // Delete first so that the map's order follows the winning (last) declaration.
    result.entities.delete(entityRef);
    result.entities.set(entityRef, validation.entity);
    replace(holders, entityRef, index);
    const accepted: CatalogFileDocument = { index, line: start, ref: entityRef, outcome: 'accepted', ...(owner ? { owner } : {}) };
    result.documents.push(accepted);
    holders.set(entityRef, accepted);
  }
  return result;
}

function replace(holders: Map<string, CatalogFileDocument>, ref: string, byIndex: number): void {
  const earlier = holders.get(ref);
  if (!earlier) return;
  earlier.outcome = 'replaced';
  earlier.replacedBy = byIndex;
  holders.delete(ref);
}
