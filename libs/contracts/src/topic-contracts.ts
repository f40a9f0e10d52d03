import type { z } from 'zod';
import { catalogChangeV1Schema } from './catalog-change.contract';
import { entityEventV1Schema } from './entity-event.contract';
import { githubDeliveryV1Schema } from './github-delivery.contract';
import { entityStatusV1Schema, locationStatusV1Schema } from './processing-status.contract';
import { refreshRequestV1Schema } from './refresh-request.contract';
import { catalogEntityV1Schema } from './served-entity.contract';
import { TOPICS, TopicName } from './topics';

/** The contract every message of a topic must satisfy, e.g. before a dead letter is replayed into it. */
export const TOPIC_CONTRACTS: Record<TopicName, z.ZodType> = {
  [TOPICS.githubDeliveries]: githubDeliveryV1Schema,
  [TOPICS.entityEvents]: entityEventV1Schema,
  [TOPICS.catalogChanges]: catalogChangeV1Schema,
  [TOPICS.catalogEntities]: catalogEntityV1Schema,
  [TOPICS.refreshRequests]: refreshRequestV1Schema,
  [TOPICS.entityStatus]: entityStatusV1Schema,
  [TOPICS.locationStatus]: locationStatusV1Schema,
};

export function isTopicName(topic: string): topic is TopicName {
  return Object.values(TOPICS).includes(topic as TopicName);
}
