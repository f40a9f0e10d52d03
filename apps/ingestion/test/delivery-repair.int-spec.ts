import { GitHubStandIn } from '@callboard/github-stand-in';
import { catalogService } from '../../catalog/src/catalog.service';
import { queryService } from '../../query/src/query.service';
import { DeliveryRepairsRepository } from '../src/repairs/delivery-repairs.repository';
import { ingestionService } from '../src/ingestion.service';
import { eventually, isolatedEnv, RunningService, startService } from '../../../test/support/service-harness';
import { TopicProbe } from '../../../test/support/topic-probe';
import { catalogReader } from '../../../test/support/catalog-reader';
import { webhookDeliverer } from '../../../test/support/webhook-deliverer';
import { webhookExample } from '../../../test/support/webhook-examples';
import { groupFile } from '../../../test/factories/catalog-files';

// A delivery GitHub kept failing is parked; its state (the repository, the organisation's
// people) is read again once GitHub answers, so the catalog converges without a replay.

const SECRET = 'repair-secret';
const TOKEN = 'ghs_repair';
const ORG = 'acme';

const group = (name: string, description: string) => groupFile(name, { description });

describe('repairs of failed deliveries (ingestion, catalog and query services, GitHub stand-in)', () => {
  const github = new GitHubStandIn({ token: TOKEN });
  let ingestion: RunningService;
  let catalog: RunningService;
  let query: RunningService;
  let deadLetters: TopicProbe;

  beforeAll(async () => {
    const apiUrl = await github.start();
    github.addOrgMember(ORG, 'alice', { name: 'Alice' });
    const env: Record<string, string> = {
      ...isolatedEnv('repair'),
      GITHUB_WEBHOOK_SECRET: SECRET,
      GITHUB_API_URL: apiUrl,
      GITHUB_TOKEN: TOKEN,
      GITHUB_MAX_RETRIES: '0',
      INGESTION_DELIVERY_MAX_ATTEMPTS: '2',
      INGESTION_REPAIR_INTERVAL_MS: '1000',
    };
    ingestion = await startService(ingestionService, env);
    catalog = await startService(catalogService, env);
    query = await startService(queryService, env);
    deadLetters = await TopicProbe.start(env.KAFKA_BROKERS, `${env.KAFKA_TOPIC_PREFIX}callboard.github.deliveries.v1.dlq`);
  });

  afterAll(async () => {
    await deadLetters?.stop();
    await ingestion?.close();
    await query?.close();
    await catalog?.close();
    await github.stop();
  });

  const deliver = webhookDeliverer(() => ingestion.url, SECRET);
  const send = async (event: string, payload: unknown) => (await deliver(event, payload)).deliveryId;
  const { read } = catalogReader(() => query.url);
  const parked = (deliveryId: string) => deadLetters.waitFor((m) => m.json<{ deliveryId?: string }>().deliveryId === deliveryId, 1, 60_000);
  const pendingRepairs = () => ingestion.app.get(DeliveryRepairsRepository).pending();

  it('reads the repository of a parked push again once GitHub answers: the change arrives without a replay', async () => {
    github.createRepository(`${ORG}/outage`);
    github.commit(`${ORG}/outage`, { files: { 'catalog-info.yaml': group('outage-team', 'before') } });
    github.failNext(/^\/repos\/acme\/outage\//, 100_000, 502);
    const commit = github.commit(`${ORG}/outage`, { files: { 'catalog-info.yaml': group('outage-team', 'during the outage') } });
    const deliveryId = await send('push', commit.payload);
    const [letter] = await parked(deliveryId);
    expect(letter.json<{ reason: string }>().reason).toMatch(/^gave up after 2 attempts/);
    expect(await pendingRepairs()).toEqual([expect.objectContaining({ key: `repository:${commit.payload.repository.id}`, deliveryId })]);
    expect(await read('group', 'outage-team')).toBeNull();

    github.clearFaults();
    await eventually(async () => ((await read('group', 'outage-team'))?.metadata.description === 'during the outage' ? true : undefined), 30_000);
    await eventually(async () => ((await pendingRepairs()).length === 0 ? true : undefined), 10_000);
  });

  it("reads an organisation's people again after a parked membership delivery", async () => {
    github.failNext(/^\/orgs\/acme\//, 100_000, 503);
    github.addOrgMember(ORG, 'hacktocat', { name: 'Hack' });
    const found = webhookExample('organization', 'member_added');
    const payload = JSON.parse(JSON.stringify(found).replace(/Octocoders/g, ORG)) as Record<string, unknown>;
    delete payload.installation;
    const deliveryId = await send('organization', payload);
    await parked(deliveryId);
    expect(await read('user', 'hacktocat')).toBeNull();

    github.clearFaults();
    await eventually(async () => ((await read('user', 'hacktocat')) && (await read('user', 'alice')) ? true : undefined), 30_000);
  });
});
