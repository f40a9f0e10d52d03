import { BadRequestException, Controller, Get, Param, Query } from '@nestjs/common';
import { EntityHistoryPage, GetEntityHistory, GetEntityHistoryQuery } from './get-entity-history.query';

function parseLimit(value: unknown): number {
  if (value === undefined) return 20;
  const limit = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(limit >= 1 && limit <= 100)) throw new BadRequestException('Invalid limit parameter: expected an integer from 1 to 100');
  return limit;
}

/** Callboard's own endpoint: what changed in an entity, when, and from which commit. */
@Controller('api/catalog/entities/by-name/:kind/:namespace/:name/history')
export class EntityHistoryController {
  constructor(private readonly getHistory: GetEntityHistory) {}

  @Get()
  history(
    @Param('kind') kind: string,
    @Param('namespace') namespace: string,
    @Param('name') name: string,
    @Query('limit') limit: unknown,
    @Query('cursor') cursor: unknown,
  ): Promise<EntityHistoryPage> {
    if (cursor !== undefined && typeof cursor !== 'string') throw new BadRequestException('Invalid cursor parameter: expected one value');
    return this.getHistory.execute(new GetEntityHistoryQuery(kind, namespace, name, parseLimit(limit), cursor as string | undefined));
  }
}
