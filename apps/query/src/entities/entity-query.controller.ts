import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { allOf, CursorQuery, filterParamsToPredicate, InitialQuery, OrderField, QueryInputError } from '@callboard/catalog-index';
import { bodyObject, RequestParams } from '../http/request-params';
import {
  boundedCursor,
  boundedFieldList,
  boundedPredicate,
  checkEntityRefsSize,
  checkFullTextSize,
  checkOrderFieldsSize,
  checkPredicateSize,
  REQUEST_LIMITS,
} from '../http/request-limits';
import { PREDICATE_REF, QueryParams } from '../http/openapi-document';
import { sendJsonText } from '../http/json-response';
import { GetEntitiesByRefs, GetEntitiesByRefsQuery } from './get-entities-by-refs.query';
import { QueryEntities, QueryEntitiesQuery } from './query-entities.query';

// `<field>` or `<field>,<asc|desc>`; anything after a second comma is refused rather than ignored, as the document declares.
const ORDER_FIELD = /^([^,]*)(?:,(asc|desc))?$/;

function parseOrderFields(values: readonly string[]): OrderField[] {
  return values.map((value) => {
    const match = ORDER_FIELD.exec(value);
    if (!match) throw new QueryInputError('Invalid order field order, must be asc or desc');
    return { field: match[1], order: (match[2] as 'asc' | 'desc' | undefined) ?? 'asc' };
  });
}

/** Body checks with the validator's wording (`request/body/<path> ...`). */
function checkBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(bodyObject(body));
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new QueryInputError(`request/body${issue.path.length ? `/${issue.path.join('/')}` : ''} ${issue.message}`);
}

const queryBodySchema = z.object({
  cursor: z.string().optional(),
  limit: z.number({ error: 'must be number' }).int({ error: 'must be integer' }).min(0, { error: 'must be >= 0' }).optional(),
  offset: z.number({ error: 'must be number' }).int({ error: 'must be integer' }).min(0, { error: 'must be >= 0' }).optional(),
  orderBy: z
    .array(z.object({ field: z.string({ error: 'must be string' }), order: z.enum(['asc', 'desc'], { error: 'must be equal to one of the allowed values: asc, desc' }) }))
    .optional(),
  fullTextFilter: z.object({ term: z.string().optional(), fields: z.array(z.string()).optional() }).optional(),
  fields: z.array(z.string({ error: 'must be string' })).optional(),
  totalItems: z.enum(['include', 'exclude'], { error: 'must be equal to one of the allowed values: include, exclude' }).optional(),
  query: z.record(z.string(), z.unknown(), { error: 'must be object' }).optional(),
});

const byRefsBodySchema = z.object({
  entityRefs: z.array(z.string({ error: 'must be string' }), { error: (issue) => (issue.input === undefined ? "must have required property 'entityRefs'" : 'must be array') }),
  fields: z.array(z.string({ error: 'must be string' })).optional(),
  query: z.record(z.string(), z.unknown(), { error: 'must be object' }).optional(),
});

const SAFE_INTEGER = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER };

// What queryBodySchema accepts, as the document shows it.
const QUERY_BODY_DOCUMENT = queryBody();

function queryBody() {
  return {
    type: 'object',
    properties: {
      cursor: { type: 'string', minLength: 1 },
      limit: SAFE_INTEGER,
      offset: SAFE_INTEGER,
      orderBy: {
        type: 'array',
        maxItems: REQUEST_LIMITS.orderFields,
        items: { type: 'object', required: ['field', 'order'], properties: { field: { type: 'string' }, order: { type: 'string', enum: ['asc', 'desc'] } } },
      },
      fullTextFilter: {
        type: 'object',
        properties: { term: { type: 'string', maxLength: REQUEST_LIMITS.fullTextTermLength }, fields: { type: 'array', maxItems: REQUEST_LIMITS.fullTextFields, items: { type: 'string' } } },
      },
      fields: { type: 'array', maxItems: REQUEST_LIMITS.fields, items: { type: 'string', maxLength: REQUEST_LIMITS.fieldLength, pattern: '^[^[]*$' } },
      totalItems: { type: 'string', enum: ['include', 'exclude'] },
      query: PREDICATE_REF,
    },
  };
}

/** Paged queries (`/entities/by-query`) and batch reads (`/entities/by-refs`). */
@ApiTags('entities')
@Controller('api/catalog/entities')
export class EntityQueryController {
  constructor(
    private readonly queryEntities: QueryEntities,
    private readonly getEntitiesByRefs: GetEntitiesByRefs,
  ) {}

  @Get('by-query')
  @ApiOperation({ summary: 'Query entities, paged by cursor', description: '`{ items, totalItems, pageInfo: { nextCursor?, prevCursor? } }`; default limit 200.' })
  @QueryParams.filter()
  @QueryParams.fields()
  @QueryParams.pattern('orderField', ORDER_FIELD.source, REQUEST_LIMITS.orderFields, '<field> or <field>,<asc|desc>')
  @QueryParams.text('fullTextFilterTerm', `at most ${REQUEST_LIMITS.fullTextTermLength} characters and ${REQUEST_LIMITS.fullTextWildcards} % wildcards`)
  @QueryParams.text('fullTextFilterFields', 'comma-separated')
  @QueryParams.integer('limit', 0)
  @QueryParams.integer('offset', 0)
  @QueryParams.text('cursor', 'pageInfo.nextCursor or prevCursor of a previous page')
  @QueryParams.oneOf('totalItems', ['include', 'exclude'])
  @ApiOkResponse({ description: 'A page of entities' })
  queryByGet(@Query() query: Record<string, unknown>, @Res() res: Response): void {
    const params = new RequestParams(query, [
      'fields',
      'limit',
      'offset',
      'orderField',
      'cursor',
      'filter',
      'totalItems',
      'fullTextFilterTerm',
      'fullTextFilterFields',
    ]);
    const limit = params.integer('limit');
    const fields = boundedFieldList(params.commaList('fields'));
    const cursor = params.string('cursor');
    // Every parameter is checked even beside a cursor, which then decides the page alone (as in Backstage).
    const fullTextFields = params.commaList('fullTextFilterFields');
    const term = params.string('fullTextFilterTerm');
    checkFullTextSize(term, fullTextFields);
    const orderFields = params.list('orderField');
    checkOrderFieldsSize(orderFields.length, 'orderField');
    // The filter travels in the cursor, which the next request validates as a predicate.
    const filter = filterParamsToPredicate(params.list('filter'));
    checkPredicateSize(filter, 'filter');
    const initial: InitialQuery = {
      query: filter,
      orderFields: parseOrderFields(orderFields),
      fullTextFilter: { term: term ?? '', fields: fullTextFields.length ? fullTextFields : undefined },
      offset: params.integer('offset'),
      limit,
      totalItems: params.oneOf('totalItems', ['include', 'exclude'] as const),
    };
    const request: InitialQuery | CursorQuery = cursor === undefined ? initial : { cursor: boundedCursor(cursor), limit };
    sendJsonText(res, this.queryEntities.execute(new QueryEntitiesQuery(request, fields)));
  }

  @Post('by-query')
  @HttpCode(200)
  @ApiOperation({ summary: 'Query entities with a predicate, paged by cursor', description: 'Body `{ query?, orderBy?, fullTextFilter?, fields?, limit?, offset?, totalItems? }` or `{ cursor, limit?, fields? }`.' })
  @ApiBody({ required: false, schema: QUERY_BODY_DOCUMENT })
  @ApiOkResponse({ description: 'A page of entities' })
  queryByPost(@Body() body: unknown, @Query() query: Record<string, unknown>, @Res() res: Response): void {
    RequestParams.none(query);
    const input = checkBody(queryBodySchema, body);
    const fields = boundedFieldList(input.fields ?? []);
    let request: InitialQuery | CursorQuery;
    // Checked even beside a cursor, which then decides the page alone.
    checkOrderFieldsSize(input.orderBy?.length ?? 0, 'orderBy');
    checkFullTextSize(input.fullTextFilter?.term, input.fullTextFilter?.fields);
    const predicate = input.query === undefined ? undefined : boundedPredicate(input.query);
    if (input.cursor !== undefined) {
      if (input.cursor === '') throw new QueryInputError('Cursor cannot be empty');
      request = { cursor: boundedCursor(input.cursor), limit: input.limit };
    } else {
      request = {
        query: predicate,
        orderFields: input.orderBy,
        fullTextFilter: input.fullTextFilter ? { term: input.fullTextFilter.term ?? '', fields: input.fullTextFilter.fields } : undefined,
        offset: input.offset,
        limit: input.limit,
        totalItems: input.totalItems,
      };
    }
    sendJsonText(res, this.queryEntities.execute(new QueryEntitiesQuery(request, fields)));
  }

  @Post('by-refs')
  @HttpCode(200)
  @ApiOperation({ summary: 'Get entities by refs', description: '`{ items }` in request order; null for refs that are unknown or filtered out.' })
  @QueryParams.filter()
  @ApiBody({
    schema: {
      type: 'object',
      required: ['entityRefs'],
      properties: {
        entityRefs: { type: 'array', maxItems: REQUEST_LIMITS.entityRefs, items: { type: 'string' } },
        fields: { type: 'array', maxItems: REQUEST_LIMITS.fields, items: { type: 'string', maxLength: REQUEST_LIMITS.fieldLength, pattern: '^[^[]*$' } },
        query: PREDICATE_REF,
      },
    },
  })
  @ApiOkResponse({ description: '`{ items }` in request order' })
  byRefs(@Body() body: unknown, @Query() query: Record<string, unknown>, @Res() res: Response): void {
    const params = new RequestParams(query, ['filter']);
    const input = checkBody(byRefsBodySchema, body);
    checkEntityRefsSize(input.entityRefs.length);
    const filter = allOf(filterParamsToPredicate(params.list('filter')), input.query === undefined ? undefined : boundedPredicate(input.query));
    sendJsonText(res, this.getEntitiesByRefs.execute(new GetEntitiesByRefsQuery(input.entityRefs, boundedFieldList(input.fields ?? []), filter)));
  }
}
