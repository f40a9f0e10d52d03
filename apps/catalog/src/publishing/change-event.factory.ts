import { randomUUID } from 'node:crypto';
import { CATALOG_CHANGE_TYPES, CatalogChangeType, CatalogChangeV1 } from '@callboard/contracts';
import { diffEntities, Entity } from '@callboard/entity-model';

export interface ChangeCause {
  entityRef: string;
  deliveryId: string;
  repository: string;
  commitSha: string;
  path: string;
}

/** Builds the CloudEvent for one served-entity change; its id is fixed here, once. */
export function buildChangeEvent(options: {
  source: string;
  type: CatalogChangeType;
  entityRef: string;
  uid: string;
  before: Entity | null;
  after: Entity | null;
  cause: ChangeCause;
  now?: Date;
}): CatalogChangeV1 {
  return {
    specversion: '1.0',
    id: randomUUID(),
    source: options.source,
    type: CATALOG_CHANGE_TYPES[options.type],
    subject: options.entityRef,
    time: (options.now ?? new Date()).toISOString(),
    datacontenttype: 'application/json',
    data: {
      entityRef: options.entityRef,
      uid: options.uid,
      etag: options.after?.metadata.etag ?? null,
      before: options.before as CatalogChangeV1['data']['before'],
      after: options.after as CatalogChangeV1['data']['after'],
      patch: diffEntities(options.before, options.after) as CatalogChangeV1['data']['patch'],
      cause: options.cause,
    },
  };
}
