import { randomUUID } from 'node:crypto';
import type { EntityEventV1 } from '@callboard/contracts';
import { entityRefOf, githubFileLocation, type Entity } from '@callboard/entity-model';

export function componentEntity(name: string, spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', ...metadata },
    spec: { type: 'service', lifecycle: 'production', owner: 'group:default/team-a', ...spec },
  };
}

export function groupEntity(name: string, spec: Record<string, unknown> = {}): Entity {
  return { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name, namespace: 'default' }, spec: { type: 'team', children: [], ...spec } };
}

interface EventOptions {
  repository?: string;
  path?: string;
  sourceVersion?: number;
  deliveryId?: string;
  commitSha?: string;
}

function common(ref: string, options: EventOptions) {
  const repository = options.repository ?? 'acme/service';
  const location = githubFileLocation(`https://github.com/${repository}`, 'main', options.path ?? 'catalog-info.yaml');
  return {
    schemaVersion: 1 as const,
    eventId: randomUUID(),
    entityRef: ref,
    location,
    originLocation: location,
    source: {
      provider: 'github' as const,
      deliveryId: options.deliveryId ?? randomUUID(),
      repository,
      commitSha: options.commitSha ?? 'c'.repeat(40),
      path: options.path ?? 'catalog-info.yaml',
    },
    sourceVersion: options.sourceVersion ?? 1,
    emittedAt: new Date().toISOString(),
  };
}

export function upsertEvent(entity: Entity, options: EventOptions = {}): EntityEventV1 {
  return { ...common(entityRefOf(entity), options), type: 'upsert', entity: entity as EntityEventV1 & { type: 'upsert' } extends { entity: infer E } ? E : never };
}

export function removalEvent(ref: string, options: EventOptions = {}): EntityEventV1 {
  return { ...common(ref, options), type: 'removal' };
}
