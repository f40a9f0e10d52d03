import { Partitioners } from 'kafkajs';
import { GitHubStandIn } from '@callboard/github-stand-in';
import { githubDeliveryKey } from '@callboard/contracts';
import { componentFile } from '../factories/catalog-files';
import { catalogReader } from '../support/catalog-reader';
import { GithubAppPipeline, startGithubAppPipeline } from '../support/github-app-pipeline';
import { eventually } from '../support/service-harness';
import { TopicProbe } from '../support/topic-probe';
import { webhookDeliverer } from '../support/webhook-deliverer';

const SECRET = 'unreachable-repository-secret';
const ORG = 'acme';

// The partition a delivery about `payload` is recorded in (murmur2 of its key, as the webhook's producer).
const partitionOf = (payload: object, partitions: number) =>
  Partitioners.DefaultPartitioner()({
    topic: 'deliveries',
    partitionMetadata: Array.from({ length: partitions }, (_, partitionId) => ({ partitionErrorCode: 0, partitionId, leader: 1, replicas: [1], isr: [1] })),
    message: { key: githubDeliveryKey(payload as Record<string, unknown>, 'unused'), value: null },
  });

// A push for a repository GitHub does not show (deleted since, or never the App's): GitHub's 404
// is a fact about the repository, not an outage, and is not retried. A push GitHub fails for
// (5xx) is retried, but from the retry topic: the deliveries behind it in its partition go on.
describe('a push GitHub does not answer for: 404 and 5xx', () => {
  const github = new GitHubStandIn({ installationTokenLifetimeMs: 60_000 });
  let pipeline: GithubAppPipeline;
  let deadLetters: TopicProbe;

  beforeAll(async () => {
    pipeline = await startGithubAppPipeline(github, { label: 'unreachable_repository', org: ORG, secret: SECRET });
    deadLetters = await TopicProbe.start(pipeline.env.KAFKA_BROKERS, `${pipeline.env.KAFKA_TOPIC_PREFIX}callboard.github.deliveries.v1.dlq`);
  });

  afterAll(async () => {
    await deadLetters?.stop();
    await pipeline?.close();
  });

  const deliver = webhookDeliverer(() => pipeline.ingestion.url, SECRET);
  const { served } = catalogReader(() => pipeline.query.url);
  let repositories = 0;
  /** A new repository's first push, whose delivery is recorded in the same partition as `payload`'s. */
  const besides = (payload: object): { name: string; payload: object } => {
    const partitions = Number(pipeline.env.KAFKA_TOPIC_PARTITIONS);
    for (;;) {
      const i = (repositories += 1);
      pipeline.createRepository(`known-${i}`);
      const first = github.commit(`${ORG}/known-${i}`, { files: { 'catalog-info.yaml': componentFile(`known-service-${i}`) } }).payload;
      if (partitionOf(first, partitions) === partitionOf(payload, partitions)) return { name: `known-service-${i}`, payload: first };
    }
  };

  it('is parked at once with the reason, and the next push in its partition is not held up', async () => {
    pipeline.createRepository('vanished');
    // The branch's first push: the whole repository is listed.
    const lost = github.commit(`${ORG}/vanished`, { files: { 'catalog-info.yaml': componentFile('vanished-service') } }).payload;
    github.deleteRepository(`${ORG}/vanished`);
    const known = besides(lost);
    const vanishedReads = () => github.requests.filter((r) => r.path.startsWith(`/repos/${ORG}/vanished`));

    const started = Date.now();
    const { deliveryId } = await deliver('push', lost);
    await deliver('push', known.payload);
    await served('component', known.name);
    const servedAfterMs = Date.now() - started;

    const [letter] = await deadLetters.waitFor((m) => m.json<{ deliveryId?: string }>().deliveryId === deliveryId, 1, 40_000);
    const parkedAfterMs = Date.now() - started;
    expect(letter.json()).toMatchObject({
      reason: `repository ${ORG}/vanished not found on GitHub (404): deleted, or not reachable with the configured credentials`,
      stage: 'ingestion.delivery',
      details: { repository: `${ORG}/vanished`, status: 404 },
    });
    // Past the first retry's backoff (INGESTION_RETRY_MIN_DELAY_MS, 1 s): nothing reads it again.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    // The tree listing, and the repository itself to tell a gone repository from a missing commit.
    expect(vanishedReads().map((r) => [r.path.replace(/[0-9a-f]{40}/, '<sha>'), r.status])).toEqual([
      [`/repos/${ORG}/vanished/git/trees/<sha>`, 404],
      [`/repos/${ORG}/vanished`, 404],
    ]);
    process.stdout.write(`known repository served ${servedAfterMs} ms after the pushes were sent, the vanished one parked after ${parkedAfterMs} ms\n`);
  }, 90_000);

  it('retries a repository GitHub keeps failing for (502) without holding up the next push in its partition', async () => {
    pipeline.createRepository('outage');
    const failing = github.commit(`${ORG}/outage`, { files: { 'catalog-info.yaml': componentFile('outage-service') } }).payload;
    const known = besides(failing);
    github.failNext(/^\/repos\/acme\/outage\//, 100_000, 502);
    await deliver('push', failing);
    // Its first attempt is under way: what is recorded now is read by a later batch of the partition.
    await eventually(async () => (github.requests.some((r) => r.path.startsWith(`/repos/${ORG}/outage/`)) ? true : undefined), 20_000, 20);
    const started = Date.now();
    await deliver('push', known.payload);
    await served('component', known.name);
    const servedAfterMs = Date.now() - started;
    // Octokit's inline retries of the failing read alone (GITHUB_MAX_RETRIES=3) wait 1 + 4 + 9 s.
    expect(servedAfterMs).toBeLessThan(6000);

    // Still retried: once GitHub answers again, the change arrives.
    github.clearFaults();
    await served('component', 'outage-service');
    process.stdout.write(`next push in the partition served ${servedAfterMs} ms after it was sent, while GitHub answered 502 for the one before it\n`);
  }, 90_000);
});
