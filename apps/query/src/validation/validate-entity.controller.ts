import { Body, Controller, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { RequestParams } from '../http/request-params';
import { ValidateEntity, ValidateEntityCommand } from './validate-entity.use-case';

/** What is wrong with the request body's shape, as Backstage's body schema would say it. */
function malformedBody(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'request body must be an object';
  const input = body as Record<string, unknown>;
  if (!('entity' in input)) return 'entity: Required';
  if (typeof input.location !== 'string') return `location: ${input.location === undefined ? 'Required' : 'Expected string'}`;
  return undefined;
}

/**
 * `POST /api/catalog/validate-entity`, what `CatalogClient.validateEntity` and the entity
 * validation pages call. As in Backstage, a refused entity answers 400 with `{ errors }` (the
 * client reads them as the validation result), not with the usual error body.
 */
@ApiTags('entities')
@Controller('api/catalog/validate-entity')
export class ValidateEntityController {
  constructor(private readonly validateEntity: ValidateEntity) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Validate an entity as the catalog would process it', description: 'Body `{ entity, location }` (`location` a `url:` location ref). 200 when valid; 400 `{ errors: [{ name, message }] }` when not. Nothing is stored.' })
  @ApiBody({ schema: { type: 'object', required: ['entity', 'location'], properties: { entity: { type: 'object' }, location: { type: 'string' } } } })
  @ApiOkResponse({ description: 'The entity is valid' })
  @ApiResponse({
    status: 400,
    description: 'The verdict: what is wrong with the entity (or the request)',
    schema: {
      anyOf: [
        {
          type: 'object',
          required: ['errors'],
          properties: { errors: { type: 'array', items: { type: 'object', required: ['name', 'message'], properties: { name: { type: 'string' }, message: { type: 'string' } } } } },
        },
        // A body that is not JSON at all is refused before this handler, with the usual error body.
        { $ref: '#/components/schemas/Error' },
      ],
    },
  })
  async validate(@Body() body: unknown, @Query() query: Record<string, unknown>, @Res({ passthrough: true }) response: Response): Promise<unknown> {
    RequestParams.none(query);
    const malformed = malformedBody(body);
    const input = body as { entity: unknown; location: string };
    const verdict = malformed
      ? { ok: false as const, error: { name: 'InputError', message: `Malformed request: ${malformed}` } }
      : await this.validateEntity.execute(new ValidateEntityCommand(input.entity, input.location));
    if (verdict.ok) return undefined;
    response.status(400);
    return { errors: [verdict.error] };
  }
}
