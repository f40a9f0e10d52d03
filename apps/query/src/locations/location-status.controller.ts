import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { RequestParams } from '../http/request-params';
import { ApiErrors, LOCATION_STATUS_REF, QueryParams } from '../http/openapi-document';
import { GetLocationStatus, LocationStatusFilter, LocationStatusView } from './get-location-status.query';

/** Callboard's own: what became of each file it reads, so that a file's author sees why an entity is not (or no longer) served. */
@ApiTags('locations')
@Controller('api/catalog')
export class LocationStatusController {
  constructor(private readonly statuses: GetLocationStatus) {}

  @Get('location-status')
  @ApiOperation({
    summary: 'The status of every file read',
    description: '`{ items }` in target order; `repository` (`owner/name`) and `owner` (the GitHub owner, or an entity owner a document names in `spec.owner`) narrow it.',
  })
  @QueryParams.text('repository', 'owner/name of the repository')
  @QueryParams.text('owner', 'the repository owner (acme), or an entity owner (team-a, group:default/team-a)')
  @ApiOkResponse({ description: '`{ items: LocationStatus[] }`', schema: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: LOCATION_STATUS_REF } } } })
  async list(@Query() query: Record<string, unknown>): Promise<{ items: LocationStatusView[] }> {
    return { items: await this.statuses.list(parseFilter(query)) };
  }

  @Get('locations/:id/status')
  @ApiOperation({ summary: "A file's status: the commit last read, when, and what became of each document" })
  @ApiParam({ name: 'id', type: String })
  @ApiOkResponse({ description: 'The location status', schema: LOCATION_STATUS_REF })
  @ApiErrors(404)
  byId(@Param('id') id: string, @Query() query: Record<string, unknown>): Promise<LocationStatusView> {
    RequestParams.none(query);
    return this.statuses.byId(id);
  }
}

function parseFilter(query: Record<string, unknown>): LocationStatusFilter {
  const params = new RequestParams(query, ['repository', 'owner']);
  const repository = params.string('repository');
  const owner = params.string('owner');
  return { ...(repository !== undefined ? { repository } : {}), ...(owner !== undefined ? { owner } : {}) };
}
