import type { ReplayReport } from '@callboard/kafka';
import { describeDetails, formatReport } from './report-format';

const report: ReplayReport = {
  deadLetterTopic: 'callboard.entity-events.v1.dlq',
  sourceTopic: 'callboard.entity-events.v1',
  dryRun: true,
  read: 3,
  replayed: [
    {
      partition: 0,
      offset: '9',
      deliveryId: 'd-2',
      key: 'component:default/web',
      failedAt: '2026-05-01T10:06:00.000Z',
      reason: 'contract violation: entity: Required',
      stage: 'catalog.projection',
    },
  ],
  skipped: [
    {
      partition: 0,
      offset: '4',
      deliveryId: 'd-1',
      failedAt: '2026-05-01T10:05:00.000Z',
      reason: 'invalid document 1 in acme/mixed/catalog-info.yaml: spec.owner is required',
      stage: 'ingestion.catalog-file',
      details: { repository: 'acme/mixed', path: 'catalog-info.yaml', commitSha: 'c0ffee', documentIndex: 1, location: 'https://github.com/acme/mixed/blob/main/catalog-info.yaml' },
      why: 'cannot be replayed: the document in the file is invalid, so no message was parked to re-publish; fix the file and push (the new commit is read again)',
    },
  ],
};

describe('dlq:replay report', () => {
  it('lists every selected letter in topic order with its reason and details, and why one cannot be replayed', () => {
    expect(formatReport(report)).toBe(
      [
        'skipped callboard.entity-events.v1.dlq/0/4 delivery d-1',
        '  parked 2026-05-01T10:05:00.000Z at ingestion.catalog-file: invalid document 1 in acme/mixed/catalog-info.yaml: spec.owner is required',
        '  file acme/mixed/catalog-info.yaml, document index 1 (counted from 0), commit c0ffee',
        '  cannot be replayed: the document in the file is invalid, so no message was parked to re-publish; fix the file and push (the new commit is read again)',
        'would replay callboard.entity-events.v1.dlq/0/9 delivery d-2 key component:default/web',
        '  parked 2026-05-01T10:06:00.000Z at catalog.projection: contract violation: entity: Required',
        'dry run: 1 would replay to callboard.entity-events.v1, 1 skipped, 1 not selected, of 3 dead letters',
        '',
      ].join('\n'),
    );
  });

  it('says replayed, not would replay, outside a dry run', () => {
    expect(formatReport({ ...report, dryRun: false, skipped: [] })).toMatch(/^replayed callboard.entity-events.v1.dlq\/0\/9 .*\n.*\n1 replayed to callboard.entity-events.v1, 0 skipped, 2 not selected, of 3 dead letters\n$/);
  });

  it('words the details producers record, and passes any other on as it is', () => {
    expect(describeDetails({ attempts: 5, status: 500 })).toBe('5 attempts, HTTP status 500');
    expect(describeDetails({ org: 'acme', entityRef: 'user:default/x', location: 'https://github.com/acme' })).toBe('organisation acme, entity user:default/x');
    expect(describeDetails({ repository: 'acme/svc', code: 'ECONNRESET', extra: { a: 1 } })).toBe('repository acme/svc, code ECONNRESET, extra {"a":1}');
    expect(describeDetails(undefined)).toBeUndefined();
    expect(describeDetails({})).toBeUndefined();
  });
});
