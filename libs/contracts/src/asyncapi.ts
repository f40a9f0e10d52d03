import { z } from 'zod';
import { catalogChangeV1Schema } from './catalog-change.contract';
import { deadLetterV1Schema } from './dead-letter.contract';
import { entityEventV1Schema } from './entity-event.contract';
import { githubDeliveryV1Schema } from './github-delivery.contract';
import { entityStatusV1Schema, locationStatusV1Schema } from './processing-status.contract';
import { refreshRequestV1Schema } from './refresh-request.contract';
import { catalogRelationsTopic, relationUpdateV1Schema } from './relation-update.contract';
import { catalogEntityV1Schema } from './served-entity.contract';
import { deadLetterTopicOf, TOPICS } from './topics';

interface TopicDescription {
  id: string;
  topic: string;
  summary: string;
  key: string;
  schema: z.ZodType;
  producer: string;
  consumers: string[];
  /** Whether consumers park what they cannot process in a `.dlq` companion (not for a topic every replica reads whole). */
  deadLetters?: boolean;
}

const TOPIC_DESCRIPTIONS: TopicDescription[] = [
  {
    id: 'githubDeliveries',
    topic: TOPICS.githubDeliveries,
    summary: 'Accepted GitHub webhook deliveries, recorded before the webhook is answered.',
    key: '`repo:<repository id>`, or `delivery:<delivery id>` when the payload names no repository',
    schema: githubDeliveryV1Schema,
    producer: 'ingestion (HTTP endpoint)',
    consumers: ['ingestion (delivery processor)'],
  },
  {
    id: 'entityEvents',
    topic: TOPICS.entityEvents,
    summary: 'What a location declares: entity upserts and removals. Compacted by key.',
    key: 'the entity ref, lowercased (`component:default/payments`)',
    schema: entityEventV1Schema,
    producer: 'ingestion',
    consumers: ['catalog'],
  },
  {
    id: 'catalogChanges',
    topic: TOPICS.catalogChanges,
    summary: 'Every change of a served entity, as CloudEvents 1.0 in structured JSON mode.',
    key: 'the entity ref, lowercased',
    schema: catalogChangeV1Schema,
    producer: 'catalog',
    consumers: ['downstream subscribers'],
  },
  {
    id: 'catalogEntities',
    topic: TOPICS.catalogEntities,
    summary:
      'The served catalog as a table: the latest served entity of every ref, compacted by key; a tombstone (a message without value) once the entity is gone. Read from the beginning it is the whole catalog as it is now.',
    key: 'the entity ref, lowercased',
    schema: catalogEntityV1Schema,
    producer: 'catalog',
    consumers: ['query (read model of every replica: loaded from the beginning at start, then followed)', 'downstream subscribers'],
    deadLetters: false,
  },
  {
    id: 'catalogRelations',
    topic: catalogRelationsTopic('<catalog consumer group>'),
    summary:
      "Internal to the catalog: the relations an entity emits whose source is another entity, sent to that entity's partition (only its owner writes it). State, not delta. Same partition count as the entity-event topic; the catalog's consumers take the same partition numbers of both.",
    key: 'the subject entity ref, lowercased',
    schema: relationUpdateV1Schema,
    producer: 'catalog',
    consumers: ['catalog (the same consumer group)'],
  },
  {
    id: 'refreshRequests',
    topic: TOPICS.refreshRequests,
    summary: "Requests to re-read an entity's location now (POST /api/catalog/refresh).",
    key: 'the location target',
    schema: refreshRequestV1Schema,
    producer: 'query',
    consumers: ['ingestion'],
  },
  {
    id: 'entityStatus',
    topic: TOPICS.entityStatus,
    summary:
      "What the latest read of a location says about processing one of its entities: its document's errors (an invalid version of a served entity, a Location whose target is missing), or none. State, not delta; compacted by key. Same partition count as the entity-event topic; the catalog's consumers take the same partition numbers of both.",
    key: 'the entity ref, lowercased',
    schema: entityStatusV1Schema,
    producer: 'ingestion',
    consumers: ['catalog (served as the entity\'s status.items while its owner location reports errors)'],
  },
  {
    id: 'locationStatus',
    topic: TOPICS.locationStatus,
    summary:
      'The status of every file Callboard reads: the commit last read, when, and per document its ref, accepted or rejected and why. Compacted by key; a tombstone once the file is not read any more.',
    key: 'the location target (the file URL)',
    schema: locationStatusV1Schema,
    producer: 'ingestion',
    consumers: ['query (read model of every replica: loaded from the beginning at start, then followed)'],
    deadLetters: false,
  },
];

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

/**
 * The AsyncAPI 3.0 document of every Kafka topic, built from the same zod schemas that
 * validate the messages, so it cannot drift from the code (a test compares it with
 * docs/asyncapi.yaml).
 */
export function buildAsyncApiDocument(): Record<string, unknown> {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  const all = [
    ...TOPIC_DESCRIPTIONS,
    ...TOPIC_DESCRIPTIONS.filter((t) => t.deadLetters !== false).map((t) => ({
      id: `${t.id}DeadLetters`,
      topic: deadLetterTopicOf(t.topic),
      summary: `Messages of ${t.topic} (or work derived from them) that could not be processed, with the reason.`,
      key: 'the original key',
      schema: deadLetterV1Schema,
      producer: t.consumers.join(', '),
      consumers: ['operators'],
    })),
  ];
  for (const t of all) {
    messages[t.id] = {
      name: t.id,
      title: t.topic,
      summary: t.summary,
      contentType: 'application/json',
      bindings: { kafka: { key: { type: 'string', description: t.key } } },
      payload: jsonSchema(t.schema),
    };
    channels[t.id] = {
      address: t.topic,
      description: `${t.summary} Produced by ${t.producer}; consumed by ${t.consumers.join(', ')}. A deployment may prefix the name (KAFKA_TOPIC_PREFIX).`,
      messages: { [t.id]: { $ref: `#/components/messages/${t.id}` } },
    };
    operations[`publish${t.id[0].toUpperCase()}${t.id.slice(1)}`] = {
      action: 'send',
      channel: { $ref: `#/channels/${t.id}` },
      summary: `${t.producer} publishes to ${t.topic}`,
    };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Callboard event contracts',
      version: '1.0.0',
      description: 'Kafka topics of Callboard. Every message is validated against these schemas when produced and when consumed; invalid ones go to the topic\'s `.dlq` companion.',
    },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: { messages },
  };
}
