import { Inject, Injectable, Logger } from '@nestjs/common';
import { CATALOG_CHANGE_WRITTEN_AT_HEADER, catalogChangeV1Schema, CatalogChangeV1, TOPICS } from '@callboard/contracts';
import { APP_CONFIG } from '@callboard/config';
import { EventPublisher, topicName } from '@callboard/kafka';
import type { CatalogConfig } from '../catalog.config';
import { EntityStoreRepository } from '../projection/entity-store.repository';
import { EntityHistoryRepository } from './entity-history.repository';

/**
 * Publishes the change events an entity document holds in its outbox, records them in the
 * history, and only then removes them. A crash anywhere in between leaves them in the
 * outbox, so they are published after restart; a copy published twice has the same id.
 */
@Injectable()
export class ChangeOutboxPublisher {
  private readonly logger = new Logger(ChangeOutboxPublisher.name);
  private readonly topic: string;

  constructor(
    private readonly store: EntityStoreRepository,
    private readonly history: EntityHistoryRepository,
    private readonly publisher: EventPublisher,
    @Inject(APP_CONFIG) private readonly config: CatalogConfig,
  ) {
    this.topic = topicName(config, TOPICS.catalogChanges);
  }

  /**
   * `known`: the outbox as the caller's own read or write left it, to publish without reading
   * the document again; `writtenAt` (when that write was acknowledged) travels with the last
   * event as a header (CATALOG_CHANGE_WRITTEN_AT_HEADER), so consumers can measure write → visible.
   */
  async flush(ref: string, known?: { outbox: string[]; writtenAt?: number }): Promise<number> {
    const pending = known ? known.outbox : ((await this.store.find(ref))?.outbox ?? []);
    if (pending.length === 0) return 0;
    if (this.config.CATALOG_FAILPOINT === 'kill-before-publish') {
      this.logger.warn({ msg: 'failpoint kill-before-publish: SIGKILL with the change written and not published', entityRef: ref });
      process.kill(process.pid, 'SIGKILL');
    }
    if (!this.config.CATALOG_PUBLISH_CHANGES) {
      await this.store.removeFromOutbox(ref, pending);
      return 0;
    }
    const events = pending.map((raw) => JSON.parse(raw) as CatalogChangeV1);
    await this.publisher.publish(
      this.topic,
      catalogChangeV1Schema,
      events.map((event, index) => ({
        key: ref,
        value: event,
        headers: {
          'ce-id': event.id,
          'ce-type': event.type,
          ...(known?.writtenAt !== undefined && index === events.length - 1 ? { [CATALOG_CHANGE_WRITTEN_AT_HEADER]: String(known.writtenAt) } : {}),
        },
      })),
    );
    if (this.config.CATALOG_FAILPOINT === 'kill-after-publish') {
      this.logger.warn({ msg: 'failpoint kill-after-publish: SIGKILL with the change published and still in the outbox', entityRef: ref });
      process.kill(process.pid, 'SIGKILL');
    }
    for (const event of events) await this.history.record(event);
    await this.store.removeFromOutbox(ref, pending);
    return events.length;
  }
}
