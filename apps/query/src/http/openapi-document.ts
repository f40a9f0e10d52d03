import { applyDecorators } from '@nestjs/common';
import { ApiParam, ApiQuery, ApiResponse, type OpenAPIObject } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { REQUEST_LIMITS } from './request-limits';

const ERROR_REF = { $ref: '#/components/schemas/Error' };

/** Backstage's error body (its catalog OpenAPI document's `Error`), which every error answer carries. */
const ERROR_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['error', 'response'],
  properties: {
    error: { type: 'object', required: ['name', 'message'], properties: { name: { type: 'string' }, message: { type: 'string' } } },
    request: { type: 'object', properties: { method: { type: 'string' }, url: { type: 'string' } } },
    response: { type: 'object', required: ['statusCode'], properties: { statusCode: { type: 'number' } } },
  },
};

const primitive = { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] };
// JavaScript's `.` stops at these four, Python's (schemathesis) at \n only: spelled out for both.
const NOT_LINE_END = '[^\\n\\r\\u2028\\u2029]';

/**
 * Backstage's filter predicate (`@backstage/filter-predicates`' schema), as far as Callboard
 * evaluates it: primitives only inside field expressions, `$contains` with a value (the
 * `relations` object form is accepted too, but only for that key).
 */
// Plain JSON Schema: Nest's SchemaObject type has no `propertyNames`.
const PREDICATE_SCHEMAS: Record<string, object> = {
  FilterPredicate: {
    anyOf: [
      { $ref: '#/components/schemas/FilterPredicateExpression' },
      { type: 'object', required: ['$all'], additionalProperties: false, properties: { $all: { type: 'array', items: { $ref: '#/components/schemas/FilterPredicate' } } } },
      { type: 'object', required: ['$any'], additionalProperties: false, properties: { $any: { type: 'array', items: { $ref: '#/components/schemas/FilterPredicate' } } } },
      { type: 'object', required: ['$not'], additionalProperties: false, properties: { $not: { $ref: '#/components/schemas/FilterPredicate' } } },
    ],
  },
  FilterPredicateExpression: {
    type: 'object',
    propertyNames: { pattern: `^(?:[^$\\n\\r\\u2028\\u2029]${NOT_LINE_END}*)?$` },
    additionalProperties: {
      anyOf: [
        primitive,
        { type: 'object', required: ['$exists'], properties: { $exists: { type: 'boolean' } } },
        { type: 'object', required: ['$in'], properties: { $in: { type: 'array', items: primitive } } },
        { type: 'object', required: ['$contains'], properties: { $contains: primitive } },
        { type: 'object', required: ['$hasPrefix'], properties: { $hasPrefix: { type: 'string' } } },
      ],
    },
  },
  /** `locations/by-query` filters on the four fields of a location. */
  LocationPredicate: {
    anyOf: [
      {
        type: 'object',
        additionalProperties: false,
        properties: Object.fromEntries(
          ['id', 'type', 'target', 'entityRef'].map((key) => [
            key,
            {
              anyOf: [
                primitive,
                { type: 'object', required: ['$exists'], properties: { $exists: { type: 'boolean' } } },
                { type: 'object', required: ['$in'], properties: { $in: { type: 'array', items: primitive } } },
                { type: 'object', required: ['$hasPrefix'], properties: { $hasPrefix: { type: 'string' } } },
              ],
            },
          ]),
        ),
      },
      { type: 'object', required: ['$all'], additionalProperties: false, properties: { $all: { type: 'array', items: { $ref: '#/components/schemas/LocationPredicate' } } } },
      { type: 'object', required: ['$any'], additionalProperties: false, properties: { $any: { type: 'array', items: { $ref: '#/components/schemas/LocationPredicate' } } } },
      { type: 'object', required: ['$not'], additionalProperties: false, properties: { $not: { $ref: '#/components/schemas/LocationPredicate' } } },
    ],
  },
};

const DOCUMENT_ERROR = {
  type: 'object',
  required: ['name', 'message'],
  properties: { name: { type: 'string' }, message: { type: 'string' }, line: { type: 'integer', minimum: 1 }, field: { type: 'string' }, code: { type: 'string' } },
};

/** The status of a file Callboard reads (`/location-status`, `/locations/{id}/status`). */
const STATUS_SCHEMAS: Record<string, object> = {
  LocationStatus: {
    type: 'object',
    required: ['id', 'type', 'target', 'originTarget', 'repository', 'path', 'commitSha', 'readAt', 'deliveryId', 'level', 'documents', 'conflicts'],
    properties: {
      id: { type: 'string', description: 'the id of the location in /locations' },
      type: { type: 'string' },
      target: { type: 'string', description: 'the file URL' },
      originTarget: { type: 'string', description: 'the catalog file it was reached from (itself, unless a Location led here)' },
      repository: { type: 'string', description: 'owner/name' },
      path: { type: 'string' },
      commitSha: { type: 'string', description: 'the commit last read' },
      readAt: { type: 'string', format: 'date-time' },
      deliveryId: { type: 'string', description: 'the delivery (or refresh:…, reconcile:…) of that read' },
      level: { type: 'string', enum: ['ok', 'error'] },
      documents: {
        type: 'array',
        items: {
          type: 'object',
          required: ['index', 'outcome', 'errors', 'served'],
          properties: {
            index: { type: 'integer', minimum: 0, description: 'zero-based position in the file' },
            line: { type: 'integer', minimum: 1 },
            entityRef: { type: 'string' },
            outcome: { type: 'string', enum: ['accepted', 'rejected', 'replaced'] },
            owner: { type: 'string', description: 'spec.owner as written' },
            served: { type: 'boolean', description: 'whether this declaration is what the catalog serves' },
            errors: { type: 'array', items: DOCUMENT_ERROR },
          },
        },
      },
      conflicts: {
        type: 'array',
        items: {
          type: 'object',
          required: ['entityRef', 'ownerLocation', 'firstSeenAt', 'lastSeenAt', 'deliveryId', 'commitSha'],
          properties: {
            entityRef: { type: 'string' },
            ownerLocation: { type: 'string' },
            firstSeenAt: { type: 'string', format: 'date-time' },
            lastSeenAt: { type: 'string', format: 'date-time' },
            deliveryId: { type: 'string' },
            commitSha: { type: 'string' },
          },
        },
      },
    },
  },
};
export const LOCATION_STATUS_REF = { $ref: '#/components/schemas/LocationStatus' };

/** Where a body takes a predicate. */
export const PREDICATE_REF = { $ref: '#/components/schemas/FilterPredicate' };
export const LOCATION_PREDICATE_REF = { $ref: '#/components/schemas/LocationPredicate' };

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'InputError: an unknown, empty or malformed parameter or body, or one over a request limit',
  403: 'NotAllowedError: the catalog is read from GitHub and cannot be written through the API',
  404: 'NotFoundError: no such entity, location or route',
  413: 'PayloadTooLargeError: a body over 100 KiB',
  415: 'UnsupportedMediaTypeError: a JSON body in an unsupported charset or content encoding',
  429: 'TooManyRequestsError: more requests of this kind than the service records per minute; Retry-After says when to ask again',
};

/** Declares error answers of an operation, each with Backstage's error body. */
export function ApiErrors(...statuses: number[]): MethodDecorator {
  return applyDecorators(...statuses.map((status) => ApiResponse({ status, description: ERROR_DESCRIPTIONS[status], schema: ERROR_REF })));
}

/** The path parameters of an entity ref route (`:kind/:namespace/:name`). */
export function ApiEntityRefParams(): MethodDecorator {
  return applyDecorators(ApiParam({ name: 'kind', type: String }), ApiParam({ name: 'namespace', type: String }), ApiParam({ name: 'name', type: String }));
}

// Every query parameter is refused when empty (Backstage's validator does that), so each is declared non-empty.
const text = { type: 'string', minLength: 1 } as const;
const texts = { type: 'array', items: text } as const;
// What String.prototype.trim() removes, spelled out: Python's \\s (schemathesis) is another set.
const SPACE = '\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';
// Comma-separated statements, each empty or `key`, `key=`, `key=value` with a key: what filterParamsToPredicate accepts.
const STATEMENT = `[${SPACE}]*(?:[^${SPACE}=,][^,]*)?`;
const FILTER_STATEMENTS = `^${STATEMENT}(?:,${STATEMENT})*$`;

/** Query parameters with the schema the parsing in `request-params.ts` enforces. */
export const QueryParams = {
  filter: () =>
    ApiQuery({ name: 'filter', required: false, schema: { type: 'array', items: { ...text, pattern: FILTER_STATEMENTS } }, description: 'key=value statements, comma = AND, repeated parameter = OR, bare key = exists' }),
  fields: () =>
    ApiQuery({ name: 'fields', required: false, schema: { ...text, pattern: '^[^[]*$' }, description: `comma-separated dotted paths to keep (at most ${REQUEST_LIMITS.fields}, each at most ${REQUEST_LIMITS.fieldLength} characters)` }),
  integer: (name: string, minimum: number, description?: string) =>
    ApiQuery({ name, required: false, schema: { type: 'integer', minimum, maximum: Number.MAX_SAFE_INTEGER }, description }),
  text: (name: string, description?: string, required = false) => ApiQuery({ name, required, schema: text, description }),
  texts: (name: string, maxItems: number, description?: string, required = false) => ApiQuery({ name, required, schema: { ...texts, maxItems }, description }),
  pattern: (name: string, pattern: string, maxItems: number, description: string) =>
    ApiQuery({ name, required: false, schema: { type: 'array', maxItems, items: { type: 'string', minLength: 1, pattern } }, description }),
  oneOf: (name: string, values: string[]) => ApiQuery({ name, required: false, schema: { type: 'string', enum: values } }),
};

/**
 * Adds what every operation shares to the generated document: Backstage's `Error` schema, and
 * the 400 that any unknown or empty query parameter gets (413 and 415 where a body is read).
 */
export function completeOpenApiDocument(document: OpenAPIObject): OpenAPIObject {
  document.components = { ...document.components, schemas: { ...document.components?.schemas, Error: ERROR_SCHEMA, ...(PREDICATE_SCHEMAS as Record<string, SchemaObject>), ...(STATUS_SCHEMAS as Record<string, SchemaObject>) } };
  for (const [path, item] of Object.entries(document.paths)) {
    if (!path.startsWith('/api/catalog')) continue;
    for (const method of ['get', 'post', 'put', 'delete', 'patch'] as const) {
      const operation = item[method];
      if (!operation) continue;
      const statuses = operation.requestBody ? [400, 413, 415] : [400];
      for (const status of statuses) {
        operation.responses[status] ??= { description: ERROR_DESCRIPTIONS[status], content: { 'application/json': { schema: ERROR_REF } } };
      }
    }
  }
  return document;
}
