import { Injectable, NotFoundException } from '@nestjs/common';
import { IndexedEntity } from '@callboard/catalog-index';
import { entityRefFromParts } from '@callboard/entity-model';
import { JsonBody } from '../http/json-body';
import { CatalogReadModel } from '../read-model/catalog-read-model';

export class GetEntityByNameQuery {
  constructor(
    readonly kind: string,
    readonly namespace: string,
    readonly name: string,
  ) {}
}

/** Single-entity reads: by name, by uid, and the ancestry of an entity. */
@Injectable()
export class GetEntity {
  constructor(private readonly readModel: CatalogReadModel) {}

  byName({ kind, namespace, name }: GetEntityByNameQuery): IndexedEntity {
    const entity = this.readModel.index.getByRef(entityRefFromParts(kind, namespace, name));
    if (!entity) throw new NotFoundException(`No entity named '${name}' found, with kind '${kind}' in namespace '${namespace}'`);
    return entity;
  }

  byUid(uid: string): IndexedEntity {
    const entity = this.readModel.index.getByUid(uid);
    if (!entity) throw new NotFoundException(`No entity with uid ${uid}`);
    return entity;
  }

  /**
   * Backstage lists the entities that emitted this one (its location, and theirs). Callboard's
   * entities come straight from repository files, not from Location entities, so an entity is
   * its own root with no parents.
   */
  ancestry(query: GetEntityByNameQuery): Buffer {
    const ref = entityRefFromParts(query.kind, query.namespace, query.name);
    const entity = this.readModel.index.getByRef(ref);
    if (!entity) throw new NotFoundException(`No such entity ${ref}`);
    return new JsonBody().text(`{"rootEntityRef":${JSON.stringify(entity.ref)},"items":[{"entity":`).bytes(entity.text).text(',"parentEntityRefs":[]}]}').toBuffer();
  }
}
