import { catalogRelationsTopic, deadLetterTopicOf, TOPICS } from '@callboard/contracts';
import { topicName } from '@callboard/kafka';
import type { CatalogConfig } from '../catalog.config';

/** The full names (prefix included) of every topic the catalog reads or writes. */
export interface CatalogTopics {
  entityEvents: string;
  entityEventsDeadLetters: string;
  relations: string;
  relationsDeadLetters: string;
  entityStatus: string;
  entityStatusDeadLetters: string;
  changes: string;
  entities: string;
}

export function catalogTopics(config: CatalogConfig): CatalogTopics {
  const relations = `${config.KAFKA_TOPIC_PREFIX}${catalogRelationsTopic(config.CATALOG_CONSUMER_GROUP)}`;
  return {
    entityEvents: topicName(config, TOPICS.entityEvents),
    entityEventsDeadLetters: topicName(config, deadLetterTopicOf(TOPICS.entityEvents)),
    relations,
    relationsDeadLetters: deadLetterTopicOf(relations),
    entityStatus: topicName(config, TOPICS.entityStatus),
    entityStatusDeadLetters: topicName(config, deadLetterTopicOf(TOPICS.entityStatus)),
    changes: topicName(config, TOPICS.catalogChanges),
    entities: topicName(config, TOPICS.catalogEntities),
  };
}

export const CATALOG_TOPICS = Symbol('CATALOG_TOPICS');
