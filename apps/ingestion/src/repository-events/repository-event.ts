import { z } from 'zod';
import { PermanentProcessingError } from '@callboard/kafka';

const repositorySchema = z.object({
  id: z.number().int().positive(),
  full_name: z.string().regex(/^[^/\s]+\/[^/\s]+$/),
  html_url: z.url(),
  default_branch: z.string().min(1).optional(),
  archived: z.boolean().optional(),
  owner: z.object({ login: z.string().nullish() }).nullish(),
});

const installationRefSchema = z.object({ id: z.number().int().positive() }).nullable().optional();

/** The fields of GitHub's `repository` event that ingestion relies on. */
export const repositoryEventSchema = z.object({
  action: z.string().min(1),
  repository: repositorySchema,
  changes: z.object({ default_branch: z.object({ from: z.string() }).optional() }).catchall(z.unknown()).optional(),
  installation: installationRefSchema,
});
export type RepositoryEvent = z.infer<typeof repositoryEventSchema>;

const installationSchema = z.object({
  id: z.number().int().positive(),
  account: z.object({ login: z.string().nullish() }).nullish(),
});
const listedRepositorySchema = z.object({ id: z.number().int().positive(), full_name: z.string().optional() });

/** The fields of GitHub's `installation` event that ingestion relies on. */
export const installationEventSchema = z.object({
  action: z.string().min(1),
  installation: installationSchema,
});
export type InstallationEvent = z.infer<typeof installationEventSchema>;

/** The fields of GitHub's `installation_repositories` event that ingestion relies on. */
export const installationRepositoriesEventSchema = z.object({
  action: z.string().min(1),
  installation: installationSchema,
  repositories_added: z.array(listedRepositorySchema).default([]),
  repositories_removed: z.array(listedRepositorySchema).default([]),
});
export type InstallationRepositoriesEvent = z.infer<typeof installationRepositoriesEventSchema>;

/**
 * The fields of GitHub's `installation_target` event (the account the App is installed on was
 * renamed) that ingestion relies on. @octokit/webhooks-examples has no example of it; these are
 * GitHub's documented `installation_target.renamed` fields.
 */
export const installationTargetEventSchema = z.object({
  action: z.string().min(1),
  installation: z.object({ id: z.number().int().positive() }),
  account: z.object({ id: z.number().int().positive(), login: z.string().nullish() }),
});
export type InstallationTargetEvent = z.infer<typeof installationTargetEventSchema>;

export type RepositoryLifecycle = 'remove' | 'rescan' | 'ignore';

/**
 * What a `repository` action means for the catalog: a deleted repository leaves it; any other
 * change that matters is settled by reading the repository as GitHub describes it now, so
 * deliveries arriving out of order cannot undo each other: archived ones leave (an
 * unarchive delivered first finds it archived no more), created, unarchived, transferred and
 * renamed ones are read again and their entities move to the new locations (as does a
 * changed default branch, which is part of every location).
 */
export function repositoryLifecycle(event: RepositoryEvent): RepositoryLifecycle {
  switch (event.action) {
    case 'deleted':
      return 'remove';
    case 'archived':
    case 'created':
    case 'unarchived':
    case 'transferred':
    case 'renamed':
      return 'rescan';
    case 'edited':
      return event.changes?.default_branch ? 'rescan' : 'ignore';
    default:
      return 'ignore';
  }
}

/** The payload checked against what ingestion relies on; a payload without it is dead-lettered with the reason. */
export function payloadOf<S extends z.ZodType>(schema: S, event: string, payload: unknown): z.infer<S> {
  const parsed = schema.safeParse(payload);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new PermanentProcessingError(`${event} payload lacks required fields: ${issue?.path.join('.')}: ${issue?.message}`);
}
