import { BadRequestException, Controller, Get, Param, Query } from '@nestjs/common';
import { Entity, parseCountParam, parseFieldsParam, parseOrderParam } from '@callboard/entity-model';
import { GetEntityByName, GetEntityByNameQuery, ListEntities, ListEntitiesQuery } from './entity-queries';

function asStringList(value: unknown, parameter: string): string[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  if (!list.every((v) => typeof v === 'string')) throw new BadRequestException(`Invalid ${parameter} parameter: expected strings`);
  return list as string[];
}

/** Backstage-compatible catalog reads (`/api/catalog/...`). */
@Controller('api/catalog')
export class EntitiesController {
  constructor(
    private readonly getEntityByName: GetEntityByName,
    private readonly listEntities: ListEntities,
  ) {}

  @Get('entities')
  list(
    @Query('filter') filter: unknown,
    @Query('fields') fields: unknown,
    @Query('order') order: unknown,
    @Query('offset') offset: unknown,
    @Query('limit') limit: unknown,
  ): Promise<Array<Partial<Entity>>> {
    const single = (value: unknown, name: string) => {
      const list = asStringList(value, name);
      if (list.length > 1) throw new BadRequestException(`Invalid ${name} parameter: expected one value`);
      return list[0];
    };
    return this.listEntities.execute(
      new ListEntitiesQuery(
        asStringList(filter, 'filter'),
        parseFieldsParam(asStringList(fields, 'fields')),
        parseOrderParam(asStringList(order, 'order')),
        parseCountParam(single(offset, 'offset'), 'offset'),
        parseCountParam(single(limit, 'limit'), 'limit'),
      ),
    );
  }

  @Get('entities/by-name/:kind/:namespace/:name')
  byName(@Param('kind') kind: string, @Param('namespace') namespace: string, @Param('name') name: string): Promise<Entity> {
    return this.getEntityByName.execute(new GetEntityByNameQuery(kind, namespace, name));
  }
}
