import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { buildAsyncApiDocument } from './asyncapi';
import { TOPICS } from './topics';

describe('docs/asyncapi.yaml', () => {
  const committed = parse(readFileSync(path.resolve(__dirname, '../../../docs/asyncapi.yaml'), 'utf8'));

  it('is what the contracts generate (run `npm run docs:asyncapi` after changing a contract)', () => {
    expect(committed).toEqual(buildAsyncApiDocument());
  });

  it('describes every topic and its dead-letter companion as an AsyncAPI 3 document', () => {
    expect(committed.asyncapi).toBe('3.0.0');
    const addresses = Object.values(committed.channels as Record<string, { address: string }>).map((c) => c.address);
    for (const topic of Object.values(TOPICS)) expect(addresses).toEqual(expect.arrayContaining([topic]));
    // Every topic a consumer group works through has its dead-letter companion; the served table is read whole by every replica.
    const readWhole: string[] = [TOPICS.catalogEntities, TOPICS.locationStatus];
    for (const topic of Object.values(TOPICS).filter((t) => !readWhole.includes(t))) expect(addresses).toContain(`${topic}.dlq`);
    for (const topic of readWhole) expect(addresses).not.toContain(`${topic}.dlq`);
    expect(committed.components.messages.entityEvents.payload.oneOf ?? committed.components.messages.entityEvents.payload.anyOf).toHaveLength(2);
  });
});
