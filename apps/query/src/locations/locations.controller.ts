import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CatalogLocation, LocationPage } from '@callboard/catalog-index';
import { bodyObject, RequestParams } from '../http/request-params';
import { checkCursorSize, checkPredicateSize } from '../http/request-limits';
import { ApiEntityRefParams, ApiErrors, LOCATION_PREDICATE_REF } from '../http/openapi-document';
import { GetLocations } from './get-locations.query';

/** Backstage's location reads: one location per catalog file Callboard reads. */
@ApiTags('locations')
@Controller('api/catalog/locations')
export class LocationsController {
  constructor(private readonly getLocations: GetLocations) {}

  @Get()
  @ApiOperation({ summary: 'List locations', description: '`[{ data: { id, type, target, entityRef } }]`' })
  list(@Query() query: Record<string, unknown>): Array<{ data: CatalogLocation }> {
    RequestParams.none(query);
    return this.getLocations.list().map((data) => ({ data }));
  }

  @Post('by-query')
  @HttpCode(200)
  @ApiOperation({ summary: 'Query locations', description: 'Body `{ query?, limit? }` or `{ cursor }`; `{ items, totalItems, pageInfo: { nextCursor? } }` in id order.' })
  @ApiBody({
    required: false,
    schema: {
      type: 'object',
      properties: { cursor: { type: 'string', minLength: 1 }, limit: { type: 'integer', minimum: 1 }, query: LOCATION_PREDICATE_REF },
    },
  })
  @ApiOkResponse({ description: '`{ items, totalItems, pageInfo }`' })
  query(@Body() body: unknown, @Query() query: Record<string, unknown>): LocationPage {
    RequestParams.none(query);
    const input = bodyObject(body);
    if (typeof input.cursor === 'string') checkCursorSize(input.cursor);
    checkPredicateSize(input.query);
    // Beside a cursor, which decides the page alone, the body's query and limit are still checked.
    if (input.cursor !== undefined && (input.query !== undefined || input.limit !== undefined)) this.getLocations.query({ query: input.query, limit: input.limit });
    return this.getLocations.query(input);
  }

  @Get('by-entity/:kind/:namespace/:name')
  @ApiOperation({ summary: 'The location an entity comes from' })
  @ApiEntityRefParams()
  @ApiOkResponse({ description: 'The location' })
  @ApiErrors(404)
  byEntity(@Param('kind') kind: string, @Param('namespace') namespace: string, @Param('name') name: string, @Query() query: Record<string, unknown>): CatalogLocation {
    RequestParams.none(query);
    return this.getLocations.byEntity(kind, namespace, name);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a location by id' })
  @ApiParam({ name: 'id', type: String })
  @ApiOkResponse({ description: 'The location' })
  @ApiErrors(404)
  byId(@Param('id') id: string, @Query() query: Record<string, unknown>): CatalogLocation {
    RequestParams.none(query);
    return this.getLocations.byId(id);
  }
}
