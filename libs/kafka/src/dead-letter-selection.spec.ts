import { entityEventV1Schema, githubDeliveryV1Schema } from '@callboard/contracts';
import { decideReplay, ReadDeadLetter, ReplayTarget } from './dead-letter-selection';

const TOPIC = 'p.callboard.github.deliveries.v1';
const target: ReplayTarget = { topic: TOPIC, schema: githubDeliveryV1Schema };

const delivery = (deliveryId: string) =>
  JSON.stringify({ schemaVersion: 1, deliveryId, event: 'push', receivedAt: '2026-05-01T10:00:00.000Z', payload: { ref: 'refs/heads/main', zeta: 1, alpha: 2 } });

let offset = 0;
const letter = (overrides: Record<string, unknown> = {}, original: Record<string, unknown> = {}): ReadDeadLetter => ({
  partition: 1,
  offset: String(offset++),
  raw: JSON.stringify({
    schemaVersion: 1,
    reason: 'gave up after 5 attempts: Internal Server Error',
    failedAt: '2026-05-01T10:05:00.000Z',
    stage: 'ingestion.delivery',
    deliveryId: 'd-1',
    original: { topic: TOPIC, partition: 0, offset: '12', key: 'repo:42', value: delivery('d-1'), headers: { 'x-github-event': 'push' }, ...original },
    ...overrides,
  }),
});

describe('decideReplay', () => {
  it('replays the original message byte for byte, with its key and headers', () => {
    const decision = decideReplay(letter(), target, {}, new Set());
    expect(decision).toEqual({
      kind: 'replay',
      key: 'repo:42',
      value: delivery('d-1'),
      headers: { 'x-github-event': 'push' },
      deliveryId: 'd-1',
      failedAt: '2026-05-01T10:05:00.000Z',
      reason: 'gave up after 5 attempts: Internal Server Error',
      stage: 'ingestion.delivery',
    });
  });

  it('selects by delivery id and by failure time', () => {
    const other = letter({ deliveryId: 'd-2' }, { value: delivery('d-2') });
    expect(decideReplay(other, target, { deliveryId: 'd-1' }, new Set())).toEqual({ kind: 'unselected' });
    expect(decideReplay(other, target, { deliveryId: 'd-2' }, new Set())).toMatchObject({ kind: 'replay', deliveryId: 'd-2' });
    expect(decideReplay(letter(), target, { since: new Date('2026-05-01T10:05:00.001Z') }, new Set())).toEqual({ kind: 'unselected' });
    expect(decideReplay(letter(), target, { since: new Date('2026-05-01T10:05:00.000Z') }, new Set())).toMatchObject({ kind: 'replay' });
  });

  it('skips, with why, what cannot be replayed: no original, a broken contract, another topic, not a dead letter', () => {
    expect(decideReplay(letter({}, { value: null }), target, {}, new Set())).toMatchObject({ kind: 'skip', why: expect.stringMatching(/no original message/) });
    expect(decideReplay(letter({}, { value: '{"deliveryId":"d-1"}' }), target, {}, new Set())).toMatchObject({
      kind: 'skip',
      why: expect.stringMatching(/breaks the topic's contract: .*schemaVersion/),
    });
    expect(decideReplay(letter({}, { value: 'not json' }), target, {}, new Set())).toMatchObject({ kind: 'skip', why: expect.stringMatching(/not JSON/) });
    expect(decideReplay(letter({}, { topic: 'p.callboard.entity-events.v1' }), target, {}, new Set())).toMatchObject({
      kind: 'skip',
      why: expect.stringMatching(/another topic \(p\.callboard\.entity-events\.v1\)/),
    });
    expect(decideReplay({ partition: 0, offset: '1', raw: '{"reason":"x"}' }, target, {}, new Set())).toMatchObject({ kind: 'skip', why: expect.stringMatching(/not a dead letter/) });
    // A filter asks about deliveries: something that is not a dead letter is about none of them.
    expect(decideReplay({ partition: 0, offset: '1', raw: null }, target, { deliveryId: 'd-1' }, new Set())).toEqual({ kind: 'unselected' });
  });

  it("shows an invalid document's letter with its reason and details, and says the file is what to fix", () => {
    const ENTITY_TOPIC = 'p.callboard.entity-events.v1';
    const document = letter(
      {
        reason: 'invalid document 1 in acme/mixed/catalog-info.yaml: "metadata.name" is not valid',
        stage: 'ingestion.catalog-file',
        details: { repository: 'acme/mixed', path: 'catalog-info.yaml', commitSha: 'c0ffee', documentIndex: 1 },
      },
      { topic: ENTITY_TOPIC, key: 'https://github.com/acme/mixed/blob/main/catalog-info.yaml', value: null, headers: undefined, partition: undefined, offset: undefined },
    );
    expect(decideReplay(document, { topic: ENTITY_TOPIC, schema: entityEventV1Schema }, {}, new Set())).toEqual({
      kind: 'skip',
      why: expect.stringMatching(/^cannot be replayed: the document in the file is invalid.*fix the file and push/),
      deliveryId: 'd-1',
      failedAt: '2026-05-01T10:05:00.000Z',
      reason: 'invalid document 1 in acme/mixed/catalog-info.yaml: "metadata.name" is not valid',
      stage: 'ingestion.catalog-file',
      details: { repository: 'acme/mixed', path: 'catalog-info.yaml', commitSha: 'c0ffee', documentIndex: 1 },
    });
    // Every skipped letter carries what it was parked for, whatever kept it from being replayed.
    expect(decideReplay(letter({}, { value: '{}' }), target, {}, new Set())).toMatchObject({ kind: 'skip', reason: 'gave up after 5 attempts: Internal Server Error', stage: 'ingestion.delivery' });
  });

  it('accepts a letter recorded under another topic prefix (or none) for the same topic', () => {
    expect(decideReplay(letter({}, { topic: 'callboard.github.deliveries.v1' }), target, {}, new Set())).toMatchObject({ kind: 'replay' });
    expect(decideReplay(letter(), { ...target, topic: 'callboard.github.deliveries.v1' }, {}, new Set())).toMatchObject({ kind: 'replay' });
  });

  it('replays a message parked twice only once per run', () => {
    const seen = new Set<string>();
    expect(decideReplay(letter(), target, {}, seen)).toMatchObject({ kind: 'replay' });
    expect(decideReplay(letter({ failedAt: '2026-05-02T00:00:00.000Z' }), target, {}, seen)).toMatchObject({ kind: 'skip', why: expect.stringMatching(/earlier dead letter/) });
    expect(decideReplay(letter({}, { key: 'repo:43' }), target, {}, seen)).toMatchObject({ kind: 'replay', key: 'repo:43' });
  });
});
