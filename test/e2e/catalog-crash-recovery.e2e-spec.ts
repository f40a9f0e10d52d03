import mongoose from 'mongoose';
import { EntityDocument, EntityDocumentSchema } from '@callboard/mongo';
import { componentEntity, upsertEvent } from '../factories/entity-events';
import { eventually, isolatedEnv } from '../support/service-harness';
import { spawnService } from '../support/process-harness';
import { TopicProbe } from '../support/topic-probe';
import { EntityEventWriter } from '../support/entity-event-writer';

type Change = { id: string; type: string; subject: string };

// The catalog writes a change and its CloudEvent in one document update, then publishes. A
// SIGKILL between the two must not lose the event: it is published after restart, and a copy
// published twice carries the same id.
describe.each(['kill-before-publish', 'kill-after-publish'])('catalog killed (%s)', (failpoint) => {
  let env: Record<string, string>;
  let changes: TopicProbe;
  let connection: mongoose.Connection;

  beforeAll(async () => {
    // A short session lets the restarted consumer take over the killed one's partitions sooner.
    env = { ...isolatedEnv(`crash_${failpoint.replace(/-/g, '_')}`), KAFKA_CONSUMER_SESSION_TIMEOUT_MS: '6000' };
    connection = await mongoose.createConnection(env.MONGODB_URI, { dbName: env.MONGODB_DATABASE }).asPromise();
  });
  afterAll(async () => {
    await changes?.stop();
    await connection?.close();
  });

  it('publishes the change event after restart, with the id it was recorded with', async () => {
    const crashing = await spawnService('catalog', { ...env, CATALOG_FAILPOINT: failpoint });
    changes = await TopicProbe.start(env.KAFKA_BROKERS, `${env.KAFKA_TOPIC_PREFIX}callboard.catalog-changes.v1`);
    const writer = await EntityEventWriter.connect(env);
    const event = upsertEvent(componentEntity('survivor'));
    await writer.send(event);
    await writer.disconnect();

    expect(await crashing.exited).toBe('SIGKILL');
    const doc = await connection.model(EntityDocument.name, EntityDocumentSchema).findById('component:default/survivor').lean<EntityDocument>().exec();
    expect(doc?.entityJson).toBeTruthy();
    expect(doc?.outbox).toHaveLength(1);
    const recordedId = (JSON.parse(doc!.outbox[0]) as Change).id;
    const publishedBeforeRestart = changes.messages.length;
    expect(publishedBeforeRestart).toBe(failpoint === 'kill-before-publish' ? 0 : 1);

    const restarted = await spawnService('catalog', env);
    try {
      const published = await changes.waitFor((m) => m.key === 'component:default/survivor', publishedBeforeRestart + 1);
      expect(published.map((m) => m.json<Change>())).toEqual(
        published.map(() => expect.objectContaining({ id: recordedId, type: 'io.callboard.entity.created', subject: 'component:default/survivor' })),
      );
      const after = await eventually(async () => {
        const current = await connection.model(EntityDocument.name, EntityDocumentSchema).findById('component:default/survivor').lean<EntityDocument>().exec();
        return current && current.outbox.length === 0 && !current.pendingWork ? current : undefined;
      });
      expect(after.etag).toBe(doc!.etag);
    } finally {
      expect(await restarted.stop()).toBe(0);
    }
  });
});
