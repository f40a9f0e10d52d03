import { Injectable, NotFoundException } from '@nestjs/common';
import { entityRefFromParts, Entity, parseFilterParams } from '@callboard/entity-model';
import { EntityReadRepository } from './entity-read.repository';

export class GetEntityByNameQuery {
  constructor(
    readonly kind: string,
    readonly namespace: string,
    readonly name: string,
  ) {}
}

export class ListEntitiesQuery {
  constructor(readonly filters: readonly string[]) {}
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

  execute(query: ListEntitiesQuery): Promise<Entity[]> {
    return this.entities.find(parseFilterParams(query.filters));
  }
}
