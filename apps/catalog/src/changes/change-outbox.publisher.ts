import { Inject, Injectable, Logger } from '@nestjs/common';
import { catalogChangeV1Schema, CatalogChangeV1, TOPICS } from '@callboard/contracts';
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

  async flush(ref: string): Promise<number> {
    const doc = await this.store.find(ref);
    const pending = doc?.outbox ?? [];
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
      events.map((event) => ({ key: ref, value: event, headers: { 'ce-id': event.id, 'ce-type': event.type } })),
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
