import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { filterParamsToPredicate, ListOrder, QueryInputError } from '@callboard/catalog-index';
import { RequestParams } from '../http/request-params';
import { boundedFieldList, checkOrderFieldsSize, REQUEST_LIMITS } from '../http/request-limits';
import { ApiEntityRefParams, ApiErrors, QueryParams } from '../http/openapi-document';
import { sendEntityText, sendJsonText } from '../http/json-response';
import { GetEntity, GetEntityByNameQuery } from './get-entity.query';
import { ListEntities, ListEntitiesQuery } from './list-entities.query';

function parseOrder(values: readonly string[]): ListOrder[] {
  checkOrderFieldsSize(values.length, 'order');
  return values.map((item) => {
    const match = /^(asc|desc):([\s\S]+)$/.exec(item);
    if (!match) throw new QueryInputError(`Invalid order parameter "${item}", expected "<asc or desc>:<field name>"`);
    return { order: match[1] as 'asc' | 'desc', field: match[2] };
  });
}

/** Backstage's entity reads under `/api/catalog`. */
@ApiTags('entities')
@Controller('api/catalog')
export class EntitiesController {
  constructor(
    private readonly listEntities: ListEntities,
    private readonly getEntity: GetEntity,
  ) {}

  @Get('entities')
  @ApiOperation({
    summary: 'List entities',
    description:
      'Without limit/offset/after: every matching entity, ordered by uid or by the first `order` field. With them: a page in entity-ref order, with a `Link: <...>; rel="next"` header while more exist.',
  })
  @QueryParams.filter()
  @QueryParams.fields()
  @QueryParams.pattern('order', '^(asc|desc):[\\s\\S]+$', REQUEST_LIMITS.orderFields, 'asc:<field> or desc:<field>')
  @QueryParams.integer('limit', 1)
  @QueryParams.integer('offset', 0)
  @QueryParams.text('after', 'cursor from a previous Link header')
  @ApiOkResponse({ description: 'Array of entities' })
  list(@Query() query: Record<string, unknown>, @Req() req: Request, @Res() res: Response): void {
    const params = new RequestParams(query, ['filter', 'fields', 'order', 'limit', 'offset', 'after']);
    const limit = params.integer('limit');
    const offset = params.integer('offset');
    const after = params.string('after');
    const paged = limit !== undefined || offset !== undefined || after !== undefined;
    const result = this.listEntities.execute(
      new ListEntitiesQuery(
        filterParamsToPredicate(params.list('filter')),
        boundedFieldList(params.commaList('fields')),
        parseOrder(params.list('order')),
        paged ? { limit, offset, after } : undefined,
      ),
    );
    if (result.nextAfter) {
      const next = new URL(req.originalUrl, 'http://ignored');
      next.searchParams.delete('offset');
      next.searchParams.set('after', result.nextAfter);
      res.setHeader('Link', `<${next.pathname}${next.search}>; rel="next"`);
    }
    sendJsonText(res, result.body);
  }

  @Get('entities/by-uid/:uid')
  @ApiOperation({ summary: 'Get an entity by its uid', description: 'Answers 304 to an If-None-Match carrying the entity\'s current ETag.' })
  @ApiParam({ name: 'uid', type: String })
  @ApiOkResponse({ description: 'The entity' })
  @ApiErrors(404)
  byUid(@Param('uid') uid: string, @Query() query: Record<string, unknown>, @Req() req: Request, @Res() res: Response): void {
    RequestParams.none(query);
    const entity = this.getEntity.byUid(uid);
    sendEntityText(req, res, entity.text, entity.etag);
  }

  @Get('entities/by-name/:kind/:namespace/:name')
  @ApiOperation({ summary: 'Get an entity by kind, namespace and name', description: 'Case-insensitive; 304 for a matching If-None-Match.' })
  @ApiEntityRefParams()
  @ApiOkResponse({ description: 'The entity' })
  @ApiErrors(404)
  byName(
    @Param('kind') kind: string,
    @Param('namespace') namespace: string,
    @Param('name') name: string,
    @Query() query: Record<string, unknown>,
    @Req() req: Request,
    @Res() res: Response,
  ): void {
    RequestParams.none(query);
    const entity = this.getEntity.byName(new GetEntityByNameQuery(kind, namespace, name));
    sendEntityText(req, res, entity.text, entity.etag);
  }

  @Get('entities/by-name/:kind/:namespace/:name/ancestry')
  @ApiOperation({ summary: 'Get the ancestry of an entity', description: '`{ rootEntityRef, items: [{ entity, parentEntityRefs }] }`' })
  @ApiEntityRefParams()
  @ApiOkResponse({ description: 'The ancestry' })
  @ApiErrors(404)
  ancestry(
    @Param('kind') kind: string,
    @Param('namespace') namespace: string,
    @Param('name') name: string,
    @Query() query: Record<string, unknown>,
    @Res() res: Response,
  ): void {
    RequestParams.none(query);
    sendJsonText(res, this.getEntity.ancestry(new GetEntityByNameQuery(kind, namespace, name)));
  }
}
