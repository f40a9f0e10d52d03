interface WebhookDefinition {
  name: string;
  examples: Array<Record<string, unknown>>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const definitions = require('@octokit/webhooks-examples') as WebhookDefinition[];

/** Every real payload of `event` in @octokit/webhooks-examples (shared: do not modify them). */
export function webhookExamples(event: string): ReadonlyArray<Record<string, unknown>> {
  return definitions.find((d) => d.name === event)?.examples ?? [];
}

/**
 * A deep copy of the first real payload in @octokit/webhooks-examples of `event` (and
 * `action`, and whatever `predicate` asks), for a test to adapt to its stand-in.
 */
export function webhookExample(event: string, action?: string, predicate: (e: Record<string, unknown>) => boolean = () => true): Record<string, unknown> {
  const found = webhookExamples(event).find((e) => (action === undefined || e.action === action) && predicate(e));
  if (!found) throw new Error(`@octokit/webhooks-examples has no ${event}${action ? `.${action}` : ''} example`);
  return structuredClone(found);
}

/**
 * A real `repository`-shaped payload (`template`) made to describe a stand-in repository as it
 * is now, delivered through installation `installationId`.
 */
export function repositoryPayload(
  template: Record<string, unknown>,
  target: { id: number; fullName: string; installationId: number; fields?: Record<string, unknown> },
): Record<string, unknown> {
  const [login, name] = target.fullName.split('/');
  const repository = template.repository as Record<string, unknown>;
  return {
    ...template,
    repository: {
      ...repository,
      id: target.id,
      name,
      full_name: target.fullName,
      html_url: `https://github.com/${target.fullName}`,
      owner: { ...(repository.owner as object), login },
      default_branch: 'main',
      archived: false,
      ...target.fields,
    },
    installation: { id: target.installationId, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==' },
  };
}
