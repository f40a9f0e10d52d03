import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { FacetCount, filterParamsToPredicate, QueryInputError } from '@callboard/catalog-index';
import { bodyObject, RequestParams } from '../http/request-params';
import { boundedPredicate, checkFacetsSize, REQUEST_LIMITS } from '../http/request-limits';
import { PREDICATE_REF, QueryParams } from '../http/openapi-document';
import { GetEntityFacets, GetEntityFacetsQuery } from './get-entity-facets.query';

type FacetsResponse = { facets: Record<string, FacetCount[]> };

/** `/entity-facets`: how many matching entities have each value of a field. */
@ApiTags('entities')
@Controller('api/catalog/entity-facets')
export class EntityFacetsController {
  constructor(private readonly getEntityFacets: GetEntityFacets) {}

  @Get()
  @ApiOperation({ summary: 'Count entities per value of the given fields', description: '`{ facets: { <facet>: [{ value, count }] } }`, values as written, in value order.' })
  @QueryParams.texts('facet', REQUEST_LIMITS.facets, undefined, true)
  @QueryParams.filter()
  @ApiOkResponse({ description: '`{ facets }`' })
  byGet(@Query() query: Record<string, unknown>): FacetsResponse {
    const params = new RequestParams(query, ['facet', 'filter']);
    if (query.facet === undefined) throw new QueryInputError("request/query must have required property 'facet'");
    const facets = params.list('facet');
    checkFacetsSize(facets.length, 'facet');
    return this.getEntityFacets.execute(new GetEntityFacetsQuery(facets, filterParamsToPredicate(params.list('filter'))));
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Count entities per value, with a predicate query', description: 'Body `{ facets: string[], query? }`.' })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['facets'],
      properties: { facets: { type: 'array', minItems: 1, maxItems: REQUEST_LIMITS.facets, items: { type: 'string', minLength: 1 } }, query: PREDICATE_REF },
    },
  })
  @ApiOkResponse({ description: '`{ facets }`' })
  byPost(@Body() body: unknown, @Query() query: Record<string, unknown>): FacetsResponse {
    RequestParams.none(query);
    const input = bodyObject(body);
    if (input.facets === undefined) throw new QueryInputError("request/body must have required property 'facets'");
    if (!Array.isArray(input.facets)) throw new QueryInputError('request/body/facets must be array');
    if (!input.facets.every((f): f is string => typeof f === 'string')) throw new QueryInputError('request/body/facets must be array of strings');
    const facets = input.facets;
    // Refused rather than dropped, so that the request is what the document declares.
    if (facets.length === 0 || facets.includes('')) throw new QueryInputError('Missing or empty facets parameter');
    checkFacetsSize(facets.length, 'facets');
    if (input.query !== undefined && (typeof input.query !== 'object' || input.query === null || Array.isArray(input.query))) {
      throw new QueryInputError('request/body/query must be object');
    }
    return this.getEntityFacets.execute(new GetEntityFacetsQuery(facets, input.query === undefined ? undefined : boundedPredicate(input.query)));
  }
}
