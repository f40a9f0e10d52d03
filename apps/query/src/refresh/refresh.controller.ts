import { Body, Controller, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../http/openapi-document';
import { QueryInputError } from '@callboard/catalog-index';
import { bodyObject, RequestParams } from '../http/request-params';
import { RequestRefresh, RequestRefreshCommand } from './request-refresh.use-case';

/** `POST /api/catalog/refresh`, what Backstage's "refresh" button calls. */
@ApiTags('entities')
@Controller('api/catalog/refresh')
export class RefreshController {
  constructor(private readonly requestRefresh: RequestRefresh) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: "Re-read an entity's location now", description: 'Body `{ entityRef }`. Answers at once; the change arrives through the normal pipeline.' })
  @ApiBody({ schema: { type: 'object', required: ['entityRef'], additionalProperties: false, properties: { entityRef: { type: 'string' }, authorizationToken: { type: 'string' } } } })
  @ApiOkResponse({ description: 'Refresh requested' })
  @ApiErrors(404, 429)
  async refresh(@Body() body: unknown, @Query() query: Record<string, unknown>): Promise<void> {
    RequestParams.none(query);
    const input = bodyObject(body);
    const unknown = Object.keys(input).find((key) => key !== 'entityRef' && key !== 'authorizationToken');
    if (unknown) throw new QueryInputError(`request/body must NOT have additional properties (${unknown})`);
    if (typeof input.entityRef !== 'string') {
      throw new QueryInputError(input.entityRef === undefined ? "request/body must have required property 'entityRef'" : 'request/body/entityRef must be string');
    }
    await this.requestRefresh.execute(new RequestRefreshCommand(input.entityRef));
  }
}
