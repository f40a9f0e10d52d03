import { TOPICS } from '@callboard/contracts';
import { queryService } from '../../apps/query/src/query.service';
import { componentEntity, upsertEvent } from '../factories/entity-events';
import { eventually, isolatedEnv, startService } from '../support/service-harness';
import { spawnService } from '../support/process-harness';
import { TopicProbe } from '../support/topic-probe';
import { EntityEventWriter } from '../support/entity-event-writer';

type Change = { id: string; type: string; subject: string };

// The catalog writes a change together with what it will publish, then publishes, then commits
// the batch's offsets. A SIGKILL between any two of these must not lose the change event: it is
// published after restart, a copy published twice carries the same id, and the history holds it
// once.
describe.each(['kill-before-publish', 'kill-after-publish'])('catalog killed (%s)', (failpoint) => {
  let env: Record<string, string>;
  const probes: TopicProbe[] = [];

  beforeAll(() => {
    // A short session lets the restarted consumer take over the killed one's partitions sooner.
    env = { ...isolatedEnv(`crash_${failpoint.replace(/-/g, '_')}`), KAFKA_CONSUMER_SESSION_TIMEOUT_MS: '6000' };
  });
  afterAll(async () => {
    await Promise.all(probes.map((p) => p.stop()));
  });

  it('publishes the change event after restart, with the id it was recorded with, recorded once in the history', async () => {
    const crashing = await spawnService('catalog', env, { entry: 'test/support/catalog-failpoint.main.js', args: [failpoint] });
    const changes = await TopicProbe.start(env.KAFKA_BROKERS, `${env.KAFKA_TOPIC_PREFIX}${TOPICS.catalogChanges}`);
    const served = await TopicProbe.start(env.KAFKA_BROKERS, `${env.KAFKA_TOPIC_PREFIX}${TOPICS.catalogEntities}`);
    probes.push(changes, served);
    const writer = await EntityEventWriter.connect(env);
    await writer.send(upsertEvent(componentEntity('survivor')));

    expect(await crashing.exited).toBe('SIGKILL');
    const survivorChanges = () => changes.messages.filter((m) => m.key === 'component:default/survivor');
    const publishedBeforeRestart = survivorChanges().length;
    expect(publishedBeforeRestart).toBe(failpoint === 'kill-before-publish' ? 0 : 1);

    const restarted = await spawnService('catalog', env);
    const query = await startService(queryService, env);
    try {
      const published = await changes.waitFor((m) => m.key === 'component:default/survivor', publishedBeforeRestart + 1);
      const ids = new Set(published.map((m) => m.json<Change>().id));
      expect(ids.size).toBe(1);
      expect(published.map((m) => m.json<Change>())).toEqual(published.map(() => expect.objectContaining({ type: 'io.callboard.entity.created', subject: 'component:default/survivor' })));
      await served.waitFor((m) => m.key === 'component:default/survivor');

      // Served, and its history holds the change once, under the id it was published with.
      const history = await eventually(async () => {
        const response = await fetch(`${query.url}/api/catalog/entities/by-name/component/default/survivor/history`);
        return response.status === 200 ? ((await response.json()) as { items: Array<{ id: string; type: string }> }) : undefined;
      });
      expect(history.items).toEqual([expect.objectContaining({ id: [...ids][0], type: 'created' })]);

      // The restarted catalog goes on as usual.
      await writer.send(upsertEvent(componentEntity('survivor', { lifecycle: 'deprecated' }), { sourceVersion: 2 }));
      const [updated] = await changes.waitFor((m) => m.key === 'component:default/survivor' && m.json<Change>().type === 'io.callboard.entity.updated');
      expect(updated.json<Change>().id).not.toBe([...ids][0]);
    } finally {
      await writer.disconnect();
      await query.close();
      expect(await restarted.stop()).toBe(0);
    }
  });
});
