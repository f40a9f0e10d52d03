import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { entityRefFromParts } from '@callboard/entity-model';
import { EntityHistoryReadRepository, HistoryPosition } from './entity-history.read-repository';

export class GetEntityHistoryQuery {
  constructor(
    readonly kind: string,
    readonly namespace: string,
    readonly name: string,
    readonly limit: number,
    readonly cursor: string | undefined,
  ) {}
}

export interface EntityHistoryItem {
  id: string;
  time: string;
  type: string;
  entityRef: string;
  uid: string;
  etag: string | null;
  source: { deliveryId: string; repository: string; commitSha: string; path: string };
  causeEntityRef: string;
  patch: unknown[];
}

export interface EntityHistoryPage {
  items: EntityHistoryItem[];
  pageInfo: { nextCursor?: string };
}

function encodeCursor(position: HistoryPosition): string {
  return Buffer.from(JSON.stringify({ t: position.time.getTime(), id: position.id })).toString('base64url');
}

function decodeCursor(cursor: string): HistoryPosition {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { t?: unknown; id?: unknown };
    if (typeof value.t === 'number' && Number.isFinite(value.t) && typeof value.id === 'string') return { time: new Date(value.t), id: value.id };
  } catch {
    // fall through to the error below
  }
  throw new BadRequestException('Invalid cursor parameter: not a cursor this API returned');
}

/** An entity's history, newest first; kept and readable after the entity is deleted. */
@Injectable()
export class GetEntityHistory {
  constructor(private readonly history: EntityHistoryReadRepository) {}

  async execute(query: GetEntityHistoryQuery): Promise<EntityHistoryPage> {
    const entityRef = entityRefFromParts(query.kind, query.namespace, query.name);
    const after = query.cursor ? decodeCursor(query.cursor) : null;
    const docs = await this.history.page(entityRef, after, query.limit + 1);
    if (docs.length === 0 && !after) throw new NotFoundException(`No history for entity '${entityRef}'`);
    const items = docs.slice(0, query.limit);
    const last = items[items.length - 1];
    return {
      items: items.map((doc) => ({
        id: doc._id,
        time: doc.time.toISOString(),
        type: doc.changeType,
        entityRef: doc.entityRef,
        uid: doc.uid,
        etag: doc.etag,
        source: { deliveryId: doc.deliveryId, repository: doc.repository, commitSha: doc.commitSha, path: doc.path },
        causeEntityRef: doc.causeEntityRef,
        patch: JSON.parse(doc.patchJson) as unknown[],
      })),
      pageInfo: docs.length > query.limit && last ? { nextCursor: encodeCursor({ time: last.time, id: last._id }) } : {},
    };
  }
}
