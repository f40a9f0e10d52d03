import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
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
} from '../http/request-limits';
import { sendJsonText } from '../http/json-response';
import { GetEntitiesByRefs, GetEntitiesByRefsQuery } from './get-entities-by-refs.query';
import { QueryEntities, QueryEntitiesQuery } from './query-entities.query';

function parseOrderFields(values: readonly string[]): OrderField[] {
  return values.map((value) => {
    const [field, order] = value.split(',');
    if (order !== undefined && order !== 'asc' && order !== 'desc') throw new QueryInputError('Invalid order field order, must be asc or desc');
    return { field, order: order ?? 'asc' };
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
  limit: z.number({ error: 'must be number' }).optional(),
  offset: z.number({ error: 'must be number' }).optional(),
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
  @ApiQuery({ name: 'filter', required: false, isArray: true })
  @ApiQuery({ name: 'fields', required: false })
  @ApiQuery({ name: 'orderField', required: false, isArray: true, description: '<field>,<asc|desc>' })
  @ApiQuery({ name: 'fullTextFilterTerm', required: false })
  @ApiQuery({ name: 'fullTextFilterFields', required: false })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  @ApiQuery({ name: 'offset', required: false, type: Number })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'totalItems', required: false, enum: ['include', 'exclude'] })
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
    let request: InitialQuery | CursorQuery;
    if (cursor !== undefined) {
      request = { cursor: boundedCursor(cursor), limit };
    } else {
      const fullTextFields = params.commaList('fullTextFilterFields');
      const term = params.string('fullTextFilterTerm');
      checkFullTextSize(term, fullTextFields);
      const orderFields = params.list('orderField');
      checkOrderFieldsSize(orderFields.length, 'orderField');
      // The filter travels in the cursor, which the next request validates as a predicate.
      const filter = filterParamsToPredicate(params.list('filter'));
      checkPredicateSize(filter, 'filter');
      request = {
        query: filter,
        orderFields: parseOrderFields(orderFields),
        fullTextFilter: { term: term ?? '', fields: fullTextFields.length ? fullTextFields : undefined },
        offset: params.integer('offset'),
        limit,
        totalItems: params.oneOf('totalItems', ['include', 'exclude'] as const),
      };
    }
    sendJsonText(res, this.queryEntities.execute(new QueryEntitiesQuery(request, fields)));
  }

  @Post('by-query')
  @HttpCode(200)
  @ApiOperation({ summary: 'Query entities with a predicate, paged by cursor', description: 'Body `{ query?, orderBy?, fullTextFilter?, fields?, limit?, offset?, totalItems? }` or `{ cursor, limit?, fields? }`.' })
  @ApiBody({ schema: { type: 'object' } })
  queryByPost(@Body() body: unknown, @Query() query: Record<string, unknown>, @Res() res: Response): void {
    RequestParams.none(query);
    const input = checkBody(queryBodySchema, body);
    const fields = boundedFieldList(input.fields ?? []);
    let request: InitialQuery | CursorQuery;
    if (input.cursor !== undefined) {
      if (input.cursor === '') throw new QueryInputError('Cursor cannot be empty');
      request = { cursor: boundedCursor(input.cursor), limit: input.limit };
    } else {
      checkOrderFieldsSize(input.orderBy?.length ?? 0, 'orderBy');
      checkFullTextSize(input.fullTextFilter?.term, input.fullTextFilter?.fields);
      request = {
        query: input.query === undefined ? undefined : boundedPredicate(input.query),
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
  @ApiQuery({ name: 'filter', required: false, isArray: true })
  @ApiBody({ schema: { type: 'object', required: ['entityRefs'], properties: { entityRefs: { type: 'array', items: { type: 'string' } } } } })
  byRefs(@Body() body: unknown, @Query() query: Record<string, unknown>, @Res() res: Response): void {
    const params = new RequestParams(query, ['filter']);
    const input = checkBody(byRefsBodySchema, body);
    checkEntityRefsSize(input.entityRefs.length);
    const filter = allOf(filterParamsToPredicate(params.list('filter')), input.query === undefined ? undefined : boundedPredicate(input.query));
    sendJsonText(res, this.getEntitiesByRefs.execute(new GetEntitiesByRefsQuery(input.entityRefs, boundedFieldList(input.fields ?? []), filter)));
  }
}
