import type { Entity } from '@backstage/catalog-model';
import { findReferenceProblem, ReferenceProblem } from './relations';
import type { FieldPath } from './yaml-positions';

/** Why a document of a catalog file was rejected, as a machine tells the cases apart. */
export type DocumentProblemCode =
  | 'invalid-yaml'
  | 'not-a-mapping'
  | 'file-too-large'
  | 'invalid-placeholder'
  | 'missing-field'
  | 'invalid-name'
  | 'invalid-field'
  | 'unknown-kind'
  | 'reference-without-kind'
  | 'invalid-reference'
  | 'duplicate-keys'
  | 'invalid-entity';

/** A rejected document, told to the author of its file. */
export interface DocumentProblem {
  /** Zero-based position of the document in the file (the message counts from 1). */
  documentIndex: number;
  /** 1-based line of the offending field, or of the document's start when no field is known. */
  line?: number;
  /** The offending field as its author writes it: `spec.owner`, `spec.dependsOn[1]`. */
  field?: string;
  /** The document's entity ref (`component:default/payments`), when its kind and name are readable. */
  ref?: string;
  code: DocumentProblemCode;
  /** Plain words for the file's author, ending with where: `(document 2, line 14)`. */
  message: string;
  /** The technical reason, in Backstage's words where Backstage would reject it too. */
  detail: string;
}

/** What is wrong, before it is placed in the file. */
export interface Explanation {
  code: DocumentProblemCode;
  path?: FieldPath;
  message: string;
}

/**
 * The kinds the catalog validates (entity-validation.ts), each with the apiVersion to write.
 * Backstage also accepts `backstage.io/v1beta1` for its own kinds.
 */
export const KNOWN_KINDS: Readonly<Record<string, string>> = {
  Component: 'backstage.io/v1alpha1',
  API: 'backstage.io/v1alpha1',
  Resource: 'backstage.io/v1alpha1',
  System: 'backstage.io/v1alpha1',
  Domain: 'backstage.io/v1alpha1',
  Group: 'backstage.io/v1alpha1',
  User: 'backstage.io/v1alpha1',
  Location: 'backstage.io/v1alpha1',
  Template: 'scaffolder.backstage.io/v1beta3',
};

const ROOT_FIELDS = ['apiVersion', 'kind', 'metadata', 'spec'];

/** `spec.dependsOn[1]`: dots between keys, brackets around list positions. */
export function fieldName(path: FieldPath): string {
  return path.map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : i === 0 ? segment : `.${segment}`)).join('');
}

const quote = (value: unknown): string => JSON.stringify(typeof value === 'string' ? value : (value ?? null));

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function valueAt(document: unknown, path: FieldPath): unknown {
  let node = document;
  for (const segment of path) {
    if (Array.isArray(node) && typeof segment === 'number') node = node[segment];
    else if (isRecord(node)) node = node[String(segment)];
    else return undefined;
  }
  return node;
}

function kindPhrase(document: Record<string, unknown>): string {
  return typeof document.kind === 'string' && document.kind ? ` for a ${document.kind}` : '';
}

const NAME_RULE = "use letters, digits, '-', '_' and '.' (starting and ending with a letter or digit), at most 63 characters";
const NAMESPACE_RULE = "use lower-case letters, digits and '-' (starting and ending with a letter or digit), at most 63 characters";
const TAG_RULE = "use lower-case letters, digits, '+', '#' and '-' (a '-' only between them), at most 63 characters";
const KEY_RULE = "write an optional prefix such as 'example.com/' and a name of letters, digits, '-', '_' and '.', at most 63 characters";

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping (key: value lines)',
  null: 'empty',
};

/** The JSON pointer of an ajv error (`/spec/dependsOn/0`) as a path, list positions as numbers. */
function pointerPath(pointer: string, document: unknown): FieldPath {
  if (pointer === '<root>' || pointer === '') return [];
  const path: Array<string | number> = [];
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    path.push(Array.isArray(valueAt(document, path)) && /^\d+$/.test(segment) ? Number(segment) : segment);
  }
  return path;
}

/**
 * Backstage's schema errors: ajv's first error as `<instancePath> <message>[ - <param>: <value>]`
 * (the kind validators), or `Malformed envelope, <instancePath> <message>` (the entity policy).
 */
function explainSchemaError(technical: string, document: Record<string, unknown>): Explanation | undefined {
  const match = /^(?:Malformed envelope, )?(<root>|\/\S*) (must .*)$/s.exec(technical);
  if (!match) return undefined;
  const [, pointer, rest] = match;
  const paramsMatch = /^(.*?) - (\w+: .*)$/s.exec(rest);
  const ajvMessage = paramsMatch ? paramsMatch[1] : rest;
  const params = new Map((paramsMatch?.[2] ?? '').split(', ').map((pair) => pair.split(': ') as [string, string]));
  const path = pointerPath(pointer, document);
  const field = fieldName(path);
  // The envelope is the same for every kind; a kind's own schema is what names the kind.
  const forKind = technical.startsWith('Malformed envelope') ? '' : kindPhrase(document);

  const required = /^must have required property '(.+)'$/.exec(ajvMessage);
  if (required) {
    const missing = [...path, required[1]];
    const hint = missing.length === 1 && missing[0] === 'kind' ? ` (one of ${Object.keys(KNOWN_KINDS).join(', ')})` : '';
    return { code: 'missing-field', path: missing, message: `${fieldName(missing)} is required${forKind}${hint}` };
  }
  const nameField = field === 'metadata.name';
  const type = /^must be (\w+(?:,\w+)*)$/.exec(ajvMessage);
  if (type) {
    const words = type[1].split(',').map((t) => TYPE_WORDS[t] ?? t).join(' or ');
    return { code: nameField ? 'invalid-name' : 'invalid-field', path, message: `${field} must be ${words}, not ${describeValue(valueAt(document, path))}` };
  }
  const tooShort = /^must NOT have fewer than (\d+) (characters|items)$/.exec(ajvMessage);
  if (tooShort) {
    const [, count, unit] = tooShort;
    const message = count === '1' ? `${field} must not be empty` : `${field} must have at least ${count} ${unit === 'items' ? 'entries' : 'characters'}`;
    return { code: nameField ? 'invalid-name' : 'invalid-field', path, message };
  }
  if (ajvMessage === 'must NOT have additional properties') {
    const value = valueAt(document, path);
    const extra = params.get('additionalProperty') ?? (path.length === 0 && isRecord(value) ? Object.keys(value).find((key) => !ROOT_FIELDS.includes(key)) : undefined);
    if (path.length === 0) return { code: 'invalid-field', path: extra ? [extra] : [], message: `${extra ? `"${extra}"` : 'this field'} is not a top-level field of an entity: write only apiVersion, kind, metadata and spec` };
    return { code: 'invalid-field', path: extra ? [...path, extra] : path, message: `${field} cannot have ${extra ? `the field "${extra}"` : 'that field'}${forKind}` };
  }
  if (ajvMessage === 'must be equal to one of the allowed values' && params.has('allowedValues')) {
    return { code: 'invalid-field', path, message: `${field} must be one of ${params.get('allowedValues')!.split(',').join(', ')}, not ${describeValue(valueAt(document, path))}` };
  }
  return { code: nameField ? 'invalid-name' : 'invalid-field', path, message: `${field || 'the document'} ${ajvMessage.replace(/\bNOT\b/g, 'not')}${forKind}` };
}

function describeValue(value: unknown): string {
  if (value === undefined || value === null) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the text ${quote(value)}`;
  return `${typeof value === 'number' ? 'the number' : 'the value'} ${String(value)}`;
}

/** FieldFormatEntityPolicy's errors: `"<field>" is not valid; expected ... but found "<value>". To learn more ...`. */
function explainFieldFormat(technical: string, document: Record<string, unknown>): Explanation | undefined {
  const mustHave = /^(\S+) must have a value$/.exec(technical);
  const invalid = /^"(.+?)" is not valid;(?: expected (.+?) but found "(.*)"\.)? To learn more/s.exec(technical);
  const field = mustHave?.[1] ?? invalid?.[1];
  if (!field) return undefined;
  const expectation = invalid?.[2] ?? '';
  const found = invalid ? invalid[3] : undefined;
  const [head, ...tail] = field.split('.');
  const rest = tail.join('.');
  let path: FieldPath;
  switch (head) {
    case 'apiVersion':
      return { code: 'invalid-field', path: ['apiVersion'], message: `apiVersion ${quote(found)} is not valid: write for example "backstage.io/v1alpha1"` };
    case 'kind':
      return { code: 'invalid-field', path: ['kind'], message: `kind ${quote(found)} is not valid: use one of ${Object.keys(KNOWN_KINDS).join(', ')}` };
    case 'metadata':
      if (rest === 'name') {
        if (mustHave) return { code: 'missing-field', path: ['metadata', 'name'], message: 'metadata.name is required' };
        return { code: 'invalid-name', path: ['metadata', 'name'], message: `metadata.name ${quote(found)} is not a valid name: ${NAME_RULE}` };
      }
      return { code: 'invalid-field', path: ['metadata', 'namespace'], message: `metadata.namespace ${quote(found)} is not a valid namespace: ${NAMESPACE_RULE}` };
    case 'labels':
    case 'annotations': {
      path = ['metadata', head, rest];
      const isKey = expectation.startsWith('a valid prefix');
      if (isKey) return { code: 'invalid-field', path, message: `metadata.${head} key ${quote(rest)} is not valid: ${KEY_RULE}` };
      const rule = head === 'labels' ? NAME_RULE : 'annotation values must be text: put the value in quotes';
      return { code: 'invalid-field', path, message: `metadata.${head}.${rest} ${quote(found)} is not a valid ${head === 'labels' ? 'label value' : 'annotation value'}: ${rule}` };
    }
    case 'tags':
      path = ['metadata', 'tags', Number(rest)];
      return { code: 'invalid-field', path, message: `${fieldName(path)} ${quote(found)} is not a valid tag: ${TAG_RULE}` };
    case 'links': {
      const [index, property] = tail;
      path = ['metadata', 'links', Number(index), property];
      const what = property === 'url' ? 'a URL, such as "https://example.com/docs"' : 'non-empty text';
      if (mustHave) return { code: 'missing-field', path, message: `${fieldName(path)} is required` };
      return { code: 'invalid-field', path, message: `${fieldName(path)} ${quote(found)} is not valid: write ${what}` };
    }
    default:
      return { code: 'invalid-field', path: field.split('.'), message: `${field} is not valid${expectation ? `: expected ${expectation}` : ''}` };
  }
}

function explainKind(document: Record<string, unknown>): Explanation {
  const kind = String(document.kind);
  const known = Object.keys(KNOWN_KINDS);
  if (Object.prototype.hasOwnProperty.call(KNOWN_KINDS, kind)) {
    return {
      code: 'unknown-kind',
      path: ['apiVersion'],
      message: `apiVersion ${quote(document.apiVersion)} is not one this catalog knows for a ${kind}: write "${KNOWN_KINDS[kind]}"`,
    };
  }
  const sameLetters = known.find((k) => k.toLowerCase() === kind.toLowerCase());
  if (sameLetters) return { code: 'unknown-kind', path: ['kind'], message: `kind ${quote(kind)} is not a kind this catalog knows: kinds are case-sensitive, write "${sameLetters}"` };
  return { code: 'unknown-kind', path: ['kind'], message: `kind ${quote(kind)} is not a kind this catalog knows (${known.join(', ')})` };
}

// The kinds Backstage's own docs name for dependsOn / dependencyOf, the fields without a default kind.
const DEPENDENCY_KINDS = ['component', 'resource'];

function explainReference(problem: ReferenceProblem): Explanation {
  const path: FieldPath = ['spec', problem.field, ...(problem.index !== undefined ? [problem.index] : [])];
  const subject = problem.index !== undefined ? `spec.${problem.field} entry` : `spec.${problem.field}`;
  const value = problem.value;
  if (problem.problem === 'not-a-string') {
    return { code: 'invalid-reference', path, message: `${subject} ${describeValue(value)} is not an entity reference: write it as text, such as "component:payments"` };
  }
  if (problem.problem === 'without-kind') {
    const written = String(value).replace(/^:/, '');
    return { code: 'reference-without-kind', path, message: `${subject} ${quote(value)} needs a kind: write ${DEPENDENCY_KINDS.map((kind) => `"${kind}:${written}"`).join(' or ')}` };
  }
  const example = problem.defaultKind ? `"team-a" or "${problem.defaultKind.toLowerCase()}:default/team-a"` : '"component:default/payments"';
  return { code: 'invalid-reference', path, message: `${subject} ${quote(value)} is not a valid entity reference: write [<kind>:][<namespace>/]<name>, such as ${example}` };
}

/**
 * Turns the reason validateEntity gave for rejecting `document` into words for the file's
 * author: which field, what is wrong with it, what to write instead. Backstage's messages are
 * read for the field they name; a reason not recognised is passed on as it is.
 */
export function explainRejection(document: unknown, technical: string): Explanation {
  const value = isRecord(document) ? document : {};
  const explained = explainSchemaError(technical, value) ?? explainFieldFormat(technical, value);
  if (explained) return explained;
  if (technical.startsWith('unsupported kind:')) return explainKind(value);
  const foreign = /^Unknown field (.+)$/.exec(technical);
  if (foreign) return { code: 'invalid-field', path: [foreign[1]], message: `"${foreign[1]}" is not a top-level field of an entity: write only apiVersion, kind, metadata and spec` };
  const casing = /^Entity has duplicate keys that vary only in casing, '(.+)'$/.exec(technical);
  if (casing) {
    const keys = casing[1].split("', '");
    return { code: 'duplicate-keys', message: `${keys.join(', ')} ${keys.length > 1 ? 'are' : 'is'} written more than once with different letter case: keep one spelling` };
  }
  if (/^Entity reference |must be an entity reference string/.test(technical)) {
    let reference: ReferenceProblem | undefined;
    try {
      reference = findReferenceProblem(value as unknown as Entity);
    } catch {
      reference = undefined;
    }
    if (reference) return explainReference(reference);
  }
  return { code: 'invalid-entity', message: `this document is not a valid entity: ${technical}` };
}
