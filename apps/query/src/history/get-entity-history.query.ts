import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { entityRefFromParts } from '@callboard/entity-model';
import { EntityHistoryReadRepository } from './entity-history.read-repository';

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

function encodeCursor(beforeSeq: number): string {
  return Buffer.from(JSON.stringify({ before: beforeSeq })).toString('base64url');
}

function decodeCursor(cursor: string): number {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { before?: unknown };
    if (typeof value.before === 'number' && Number.isInteger(value.before) && value.before >= 1) return value.before;
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
    const before = query.cursor ? decodeCursor(query.cursor) : (await this.history.latestSeq(entityRef)) + 1;
    const records = await this.history.page(entityRef, before, query.limit);
    if (records.length === 0 && !query.cursor) throw new NotFoundException(`No history for entity '${entityRef}'`);
    const last = records[records.length - 1];
    return {
      items: records.map((r) => ({
        id: r.eventId,
        time: r.time.toISOString(),
        type: r.changeType,
        entityRef: r.entityRef,
        uid: r.uid,
        etag: r.etag,
        source: r.source,
        causeEntityRef: r.causeEntityRef,
        patch: r.patch,
      })),
      pageInfo: last && last.seq > 1 ? { nextCursor: encodeCursor(last.seq) } : {},
    };
  }
}
