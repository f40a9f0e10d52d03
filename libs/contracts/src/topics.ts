/**
 * Every Kafka topic Callboard uses, with its contract version in the name so a breaking
 * change ships as a new topic (`.v2`) that consumers can move to one at a time.
 * A deployment may prefix all of them (KAFKA_TOPIC_PREFIX) to share a cluster.
 */
export const TOPICS = {
  githubDeliveries: 'callboard.github.deliveries.v1',
  entityEvents: 'callboard.entity-events.v1',
  catalogChanges: 'callboard.catalog-changes.v1',
  catalogEntities: 'callboard.entities.v1',
  refreshRequests: 'callboard.refresh-requests.v1',
  entityStatus: 'callboard.entity-status.v1',
  locationStatus: 'callboard.location-status.v1',
} as const;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

/** Dead-letter companion of a topic: where messages that fail validation or processing go, with the reason. */
export function deadLetterTopicOf(topic: TopicName | string): string {
  return `${topic}.dlq`;
}
