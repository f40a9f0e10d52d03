interface WebhookDefinition {
  name: string;
  examples: Array<Record<string, unknown>>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const definitions = require('@octokit/webhooks-examples') as WebhookDefinition[];

/**
 * A deep copy of the first real payload in @octokit/webhooks-examples of `event` (and
 * `action`, and whatever `predicate` asks), for a test to adapt to its stand-in.
 */
export function webhookExample(event: string, action?: string, predicate: (e: Record<string, unknown>) => boolean = () => true): Record<string, unknown> {
  const found = definitions.find((d) => d.name === event)?.examples.find((e) => (action === undefined || e.action === action) && predicate(e));
  if (!found) throw new Error(`@octokit/webhooks-examples has no ${event}${action ? `.${action}` : ''} example`);
  return structuredClone(found);
}
