import { Injectable, NotFoundException } from '@nestjs/common';
import { CatalogLocation, LocationPage, originLocationOf, queryLocations } from '@callboard/catalog-index';
import { Entity, entityRefFromParts } from '@callboard/entity-model';
import { CatalogReadModel } from '../read-model/catalog-read-model';

/** The repository files Callboard reads, as Backstage locations. */
@Injectable()
export class GetLocations {
  constructor(private readonly readModel: CatalogReadModel) {}

  list(): CatalogLocation[] {
    return this.readModel.index.locations.list();
  }

  query(body: Record<string, unknown>): LocationPage {
    return queryLocations(this.readModel.index.locations.list(), body);
  }

  byId(id: string): CatalogLocation {
    const location = this.readModel.index.locations.getById(id);
    if (!location) throw new NotFoundException(`Found no location with ID ${id}`);
    return location;
  }

  byEntity(kind: string, namespace: string, name: string): CatalogLocation {
    const ref = entityRefFromParts(kind, namespace, name);
    const entity = this.readModel.index.getByRef(ref);
    if (!entity) throw new NotFoundException(`found no entity for ref ${ref}`);
    const origin = originLocationOf(JSON.parse(entity.json) as Entity);
    if (!origin) throw new NotFoundException(`found no origin annotation for ref ${ref}`);
    const { type, target } = origin;
    const location = this.readModel.index.locations.find(type, target);
    if (!location) throw new NotFoundException(`Found no location with type ${type} and target ${target}`);
    return location;
  }
}
