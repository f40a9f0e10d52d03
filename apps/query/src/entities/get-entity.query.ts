import { Injectable, NotFoundException } from '@nestjs/common';
import { IndexedEntity, originLocationOf } from '@callboard/catalog-index';
import { Entity, entityRefFromParts, generatedLocationName } from '@callboard/entity-model';
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
  /**
   * The entity and its parents up to the root, as Backstage lists them: an entity read from a
   * catalog file has that file's generated Location entity as parent (which has none).
   */
  ancestry(query: GetEntityByNameQuery): Buffer {
    const ref = entityRefFromParts(query.kind, query.namespace, query.name);
    const entity = this.readModel.index.getByRef(ref);
    if (!entity) throw new NotFoundException(`No such entity ${ref}`);
    const parent = this.generatedParentOf(entity);
    const body = new JsonBody().text(`{"rootEntityRef":${JSON.stringify(entity.ref)},"items":[{"entity":`).bytes(entity.text);
    if (!parent) return body.text(',"parentEntityRefs":[]}]}').toBuffer();
    return body.text(`,"parentEntityRefs":[${JSON.stringify(parent.ref)}]},{"entity":`).bytes(parent.text).text(',"parentEntityRefs":[]}]}').toBuffer();
  }

  private generatedParentOf(entity: IndexedEntity): IndexedEntity | undefined {
    const origin = originLocationOf(JSON.parse(entity.json) as Entity);
    if (!origin || origin.type !== 'url') return undefined;
    const parentRef = `location:default/${generatedLocationName({ type: 'url', target: origin.target })}`;
    return parentRef === entity.ref ? undefined : this.readModel.index.getByRef(parentRef);
  }
}
