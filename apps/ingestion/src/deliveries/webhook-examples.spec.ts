import { z } from 'zod';
import { orgEventSchema } from '../org/org-event';
import { installationEventSchema, installationRepositoriesEventSchema, repositoryEventSchema } from '../repository-events/repository-event';
import { webhookExamples } from '../../../../test/support/webhook-examples';
import { pushEventSchema } from './push-event';

// Every real payload in @octokit/webhooks-examples of an event ingestion handles must pass the
// schema the delivery consumer checks it against: a shape refused here would dead-letter a
// real delivery.

const HANDLED: Record<string, z.ZodType> = {
  push: pushEventSchema,
  repository: repositoryEventSchema,
  installation: installationEventSchema,
  installation_repositories: installationRepositoriesEventSchema,
  organization: orgEventSchema,
  team: orgEventSchema,
  membership: orgEventSchema,
};

describe('the real example payloads of every handled event pass ingestion’s payload schemas', () => {
  for (const [event, schema] of Object.entries(HANDLED)) {
    const examples = webhookExamples(event);
    it(`${event}: all ${examples.length} examples`, () => {
      expect(examples.length).toBeGreaterThan(0);
      const refused = examples
        .map((payload, index) => ({ index, action: payload.action, result: schema.safeParse(payload) }))
        .filter((r) => !r.result.success)
        .map((r) => `#${r.index} ${String(r.action ?? '')}: ${JSON.stringify(r.result.error?.issues[0])}`);
      expect(refused).toEqual([]);
    });
  }
});
