import { BadRequestException, Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiEntityRefParams, ApiErrors, QueryParams } from '../http/openapi-document';
import { RequestParams } from '../http/request-params';
import { EntityHistoryPage, GetEntityHistory, GetEntityHistoryQuery } from './get-entity-history.query';

function parseLimit(params: RequestParams): number {
  const limit = params.integer('limit') ?? 20;
  if (!(limit >= 1 && limit <= 100)) throw new BadRequestException('Invalid limit parameter: expected an integer from 1 to 100');
  return limit;
}

/** Callboard's own endpoint: what changed in an entity, when, and from which commit. */
@ApiTags('history')
@Controller('api/catalog/entities/by-name/:kind/:namespace/:name/history')
export class EntityHistoryController {
  constructor(private readonly getHistory: GetEntityHistory) {}

  @Get()
  @ApiOperation({ summary: 'What changed in an entity, newest first', description: '`{ items: [{ id, time, type, etag, uid, source, causeEntityRef, patch }], pageInfo: { nextCursor } }`' })
  @ApiEntityRefParams()
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 100 } })
  @QueryParams.text('cursor', 'pageInfo.nextCursor of a previous page')
  @ApiOkResponse({ description: 'A page of changes' })
  @ApiErrors(404)
  history(
    @Param('kind') kind: string,
    @Param('namespace') namespace: string,
    @Param('name') name: string,
    @Query() query: Record<string, unknown>,
  ): Promise<EntityHistoryPage> {
    const params = new RequestParams(query, ['limit', 'cursor']);
    return this.getHistory.execute(new GetEntityHistoryQuery(kind, namespace, name, parseLimit(params), params.string('cursor')));
  }
}
