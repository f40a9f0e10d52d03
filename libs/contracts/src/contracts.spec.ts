import { decodeContract, entityEventV1Schema, githubDeliveryKey } from './index';

const upsert = {
  schemaVersion: 1,
  eventId: '4b6f1c9e-2f7a-4c2e-9a53-0d7e0c3f9a11',
  type: 'upsert',
  entityRef: 'component:default/svc',
  location: { type: 'url', target: 'https://github.com/acme/svc/blob/main/catalog-info.yaml' },
  originLocation: { type: 'url', target: 'https://github.com/acme/svc/blob/main/catalog-info.yaml' },
  source: { provider: 'github', deliveryId: 'd-1', repository: 'acme/svc', commitSha: 'a'.repeat(40), path: 'catalog-info.yaml' },
  sourceVersion: 1,
  emittedAt: '2026-11-24T10:00:00.000Z',
  entity: { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'svc' }, spec: {} },
};

describe('entity event contract', () => {
  it('accepts a well-formed upsert', () => {
    expect(decodeContract(entityEventV1Schema, Buffer.from(JSON.stringify(upsert)))).toMatchObject({ ok: true });
  });

  it('rejects non-JSON, a missing entity and an uppercase ref, naming the field', () => {
    expect(decodeContract(entityEventV1Schema, Buffer.from('{not json'))).toMatchObject({ ok: false, error: expect.stringMatching(/not JSON/) });
    const { entity: _entity, ...withoutEntity } = upsert;
    expect(decodeContract(entityEventV1Schema, JSON.stringify(withoutEntity))).toMatchObject({ ok: false, error: expect.stringMatching(/entity/) });
    expect(decodeContract(entityEventV1Schema, JSON.stringify({ ...upsert, entityRef: 'Component:default/svc' }))).toMatchObject({
      ok: false,
      error: expect.stringMatching(/entityRef/),
    });
  });

  it('keys deliveries by repository when there is one', () => {
    expect(githubDeliveryKey({ repository: { id: 42 } }, 'd')).toBe('repo:42');
    expect(githubDeliveryKey({ repository: { id: 42 }, organization: { id: 7 }, installation: { id: 9 } }, 'd')).toBe('repo:42');
    expect(githubDeliveryKey({ organization: { id: 7 }, installation: { id: 9 } }, 'd')).toBe('org:7');
    expect(githubDeliveryKey({ installation: { id: 9 }, repositories: [] }, 'd')).toBe('installation:9');
    expect(githubDeliveryKey({ zen: 'hi' }, 'd')).toBe('delivery:d');
  });
});
