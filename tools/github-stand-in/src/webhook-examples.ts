import type { Organization, PushEvent } from '@octokit/webhooks-types';

/**
 * Real webhook payloads published by GitHub's Octokit team in `@octokit/webhooks-examples`
 * (`api.github.com/index.json`: an array of `{ name, actions, description, properties,
 * examples[] }`, one entry per event name). The stand-in builds its payloads by cloning
 * these and rewriting the parts that describe the simulated push, so every field a real
 * delivery carries is present with a realistic shape.
 *
 * The file is 4 MB, so it is loaded once, on first use.
 */

interface WebhookDefinitionLike {
  name: string;
  examples: unknown[];
}

export interface PushTemplates {
  /** A push to a branch (`refs/heads/...`) with at least one commit. */
  push: PushEvent;
  /** An `organization` object taken from a real payload. */
  organization: Organization;
}

let cached: PushTemplates | undefined;

function loadDefinitions(): WebhookDefinitionLike[] {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('@octokit/webhooks-examples') as WebhookDefinitionLike[];
  } catch (error) {
    throw new Error(
      `The GitHub stand-in needs the dev dependency @octokit/webhooks-examples to build webhook payloads: ${String(error)}`,
    );
  }
}

export function pushTemplates(): PushTemplates {
  if (cached) return cached;
  const definitions = loadDefinitions();
  const push = definitions.find((d) => d.name === 'push');
  if (!push) throw new Error('@octokit/webhooks-examples has no "push" definition');
  const pushes = push.examples as PushEvent[];
  const branchPush = pushes.find((p) => p.ref.startsWith('refs/heads/') && p.commits.length > 0 && p.head_commit);
  if (!branchPush) throw new Error('@octokit/webhooks-examples has no branch push example with commits');
  let organization = pushes.find((p) => p.organization)?.organization;
  if (!organization) {
    for (const definition of definitions) {
      const found = (definition.examples as Array<{ organization?: Organization }>).find((e) => e.organization);
      if (found?.organization) {
        organization = found.organization;
        break;
      }
    }
  }
  if (!organization) throw new Error('@octokit/webhooks-examples has no example with an organization');
  cached = { push: structuredClone(branchPush), organization: structuredClone(organization) };
  return cached;
}
