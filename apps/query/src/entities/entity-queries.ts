import { Injectable, NotFoundException } from '@nestjs/common';
import { entityRefFromParts, Entity, orderEntities, OrderDirective, parseFilterParams, projectFields } from '@callboard/entity-model';
import { EntityReadRepository } from './entity-read.repository';

export class GetEntityByNameQuery {
  constructor(
    readonly kind: string,
    readonly namespace: string,
    readonly name: string,
  ) {}
}

export class ListEntitiesQuery {
  constructor(
    readonly filters: readonly string[],
    readonly fields: string[] | undefined,
    readonly order: OrderDirective[],
    readonly offset: number | undefined,
    readonly limit: number | undefined,
  ) {}
}

@Injectable()
export class GetEntityByName {
  constructor(private readonly entities: EntityReadRepository) {}

  async execute(query: GetEntityByNameQuery): Promise<Entity> {
    const entity = await this.entities.findByRef(entityRefFromParts(query.kind, query.namespace, query.name));
    if (!entity) throw new NotFoundException(`No entity named '${query.name}' found, with kind '${query.kind}' in namespace '${query.namespace}'`);
    return entity;
  }
}

@Injectable()
export class ListEntities {
  constructor(private readonly entities: EntityReadRepository) {}

  async execute(query: ListEntitiesQuery): Promise<Array<Partial<Entity>>> {
    const ordered = orderEntities(await this.entities.find(parseFilterParams(query.filters)), query.order);
    const start = query.offset ?? 0;
    const page = ordered.slice(start, query.limit === undefined ? undefined : start + query.limit);
    return page.map((entity) => projectFields(entity, query.fields));
  }
}
