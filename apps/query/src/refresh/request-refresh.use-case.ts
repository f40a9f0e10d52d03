import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { originLocationOf } from '@callboard/catalog-index';
import { APP_CONFIG } from '@callboard/config';
import { refreshRequestV1Schema, TOPICS } from '@callboard/contracts';
import { lowerCase, type Entity } from '@callboard/entity-model';
import { EventPublisher, topicName } from '@callboard/kafka';
import { TooManyRequestsException } from '../errors/too-many-requests.exception';
import type { QueryConfig } from '../query.config';
import { CatalogReadModel } from '../read-model/catalog-read-model';

export class RequestRefreshCommand {
  constructor(readonly entityRef: string) {}
}

/** `requested`: a refresh request was recorded; `coalesced`: one recorded for the same location a moment ago answers this one. */
export type RefreshOutcome = 'requested' | 'coalesced';

// Locations remembered at once: beyond that the least recently refreshed is forgotten, and
// its next refresh is recorded (and counted against the rate) again.
const MAX_REMEMBERED_LOCATIONS = 10_000;

/**
 * Asks ingestion to re-read the file an entity comes from. Answers once the request is
 * recorded in Kafka; the re-read entity arrives through the normal pipeline.
 *
 * The endpoint is unauthenticated, as Backstage's is, and each recorded request costs GitHub
 * reads: a location refreshed again within REFRESH_COALESCE_MS is answered by the request
 * already recorded for it (which ingestion has not read yet, or read that recently), and at
 * most REFRESH_MAX_PER_MINUTE requests are recorded per minute, more answered 429.
 */
@Injectable()
export class RequestRefresh {
  private readonly logger = new Logger(RequestRefresh.name);
  private readonly topic: string;
  // Per location: the request recorded for it, in flight or done, so concurrent presses wait for one send.
  private readonly recent: LRUCache<string, Promise<void>> | undefined;
  private readonly rate: RateLimiterMemory;

  constructor(
    private readonly readModel: CatalogReadModel,
    private readonly publisher: EventPublisher,
    @Inject(APP_CONFIG) config: QueryConfig,
  ) {
    this.topic = topicName(config, TOPICS.refreshRequests);
    this.recent = config.REFRESH_COALESCE_MS > 0 ? new LRUCache({ max: MAX_REMEMBERED_LOCATIONS, ttl: config.REFRESH_COALESCE_MS }) : undefined;
    this.rate = new RateLimiterMemory({ points: config.REFRESH_MAX_PER_MINUTE, duration: 60 });
  }

  async execute(command: RequestRefreshCommand): Promise<RefreshOutcome> {
    const entity = this.readModel.index.getByRef(lowerCase(command.entityRef));
    const location = entity && originLocationOf(JSON.parse(entity.json) as Entity);
    if (!entity || !location) throw new NotFoundException(`Failed to schedule ${command.entityRef} for refresh`);
    const key = `${location.type}:${location.target}`;
    const recorded = this.recent?.get(key);
    if (recorded) {
      await recorded;
      return 'coalesced';
    }
    await this.admit(key);
    const send = this.publisher.publish(this.topic, refreshRequestV1Schema, [
      { key: location.target, value: { schemaVersion: 1, requestId: randomUUID(), entityRef: entity.ref, location, requestedAt: new Date().toISOString() } },
    ]);
    this.recent?.set(key, send);
    try {
      await send;
    } catch (err) {
      // Not recorded: the next press must try again rather than wait on this failure.
      if (this.recent?.get(key) === send) this.recent.delete(key);
      throw err;
    }
    return 'requested';
  }

  private async admit(location: string): Promise<void> {
    try {
      await this.rate.consume('all');
    } catch (refused) {
      if (!(refused instanceof RateLimiterRes)) throw refused;
      const retryAfterSeconds = Math.max(1, Math.ceil(refused.msBeforeNext / 1000));
      this.logger.warn({ msg: 'refresh refused: too many refresh requests', location, retryAfterSeconds });
      throw new TooManyRequestsException(`Too many refresh requests; retry in ${retryAfterSeconds} s`, retryAfterSeconds);
    }
  }
}
