import { z } from 'zod';

const ZERO_SHA = /^0{40}$/;

/** The fields of GitHub's `push` payload that ingestion relies on, checked before use. */
export const pushEventSchema = z.object({
  ref: z.string(),
  before: z.string().regex(/^[0-9a-f]{40}$/),
  after: z.string().regex(/^[0-9a-f]{40}$/),
  created: z.boolean().optional(),
  deleted: z.boolean().optional(),
  forced: z.boolean().optional(),
  commits: z
    .array(
      z.object({
        added: z.array(z.string()).optional(),
        modified: z.array(z.string()).optional(),
        removed: z.array(z.string()).optional(),
      }),
    )
    .default([]),
  head_commit: z.object({ id: z.string(), timestamp: z.string() }).nullable().optional(),
  repository: z.object({
    id: z.number().int(),
    name: z.string(),
    full_name: z.string().regex(/^[^/\s]+\/[^/\s]+$/),
    html_url: z.url(),
    default_branch: z.string().min(1),
    owner: z.object({ login: z.string().optional(), name: z.string().optional() }).optional(),
    pushed_at: z.union([z.number(), z.string()]).nullable().optional(),
  }),
  /** Present when the delivery comes from a GitHub App: the installation to read the repository through. */
  installation: z.object({ id: z.number().int().positive() }).nullable().optional(),
});

export type PushEvent = z.infer<typeof pushEventSchema>;

export function isZeroSha(sha: string): boolean {
  return ZERO_SHA.test(sha);
}

/** Only the default branch feeds the catalog: an exact ref match, not a prefix or substring. */
export function isDefaultBranchPush(push: PushEvent): boolean {
  return push.ref === `refs/heads/${push.repository.default_branch}` && !push.deleted && !isZeroSha(push.after);
}

/** Catalog files the push's commits added, modified or removed. */
export function touchedCatalogPaths(push: PushEvent, catalogPaths: readonly string[]): string[] {
  const wanted = new Set(catalogPaths);
  const touched = new Set<string>();
  for (const commit of push.commits) {
    for (const path of [...(commit.added ?? []), ...(commit.modified ?? []), ...(commit.removed ?? [])]) {
      if (wanted.has(path)) touched.add(path);
    }
  }
  return [...touched].sort();
}

/**
 * Orders this push's events against other pushes of the same entity: the head commit's
 * time, else the repository's pushed_at.
 */
export function pushSourceVersion(push: PushEvent, fallback: Date): number {
  const fromCommit = push.head_commit ? Date.parse(push.head_commit.timestamp) : NaN;
  if (Number.isFinite(fromCommit)) return fromCommit;
  const pushedAt = push.repository.pushed_at;
  if (typeof pushedAt === 'number') return pushedAt * 1000;
  if (typeof pushedAt === 'string' && Number.isFinite(Date.parse(pushedAt))) return Date.parse(pushedAt);
  return fallback.getTime();
}
