import { z } from 'zod';
import type { CatalogPathMatcher } from '../repository-sync/catalog-paths';

const ZERO_SHA = /^0{40}$/;

/** The fields of GitHub's `push` payload that ingestion relies on, checked before use. */
export const pushEventSchema = z.object({
  ref: z.string(),
  before: z.string().regex(/^[0-9a-f]{40}$/),
  after: z.string().regex(/^[0-9a-f]{40}$/),
  created: z.boolean().optional(),
  deleted: z.boolean().optional(),
  forced: z.boolean().optional(),
  /** Not in webhook payloads today, but in the Events API's: the number of commits pushed. */
  size: z.number().int().nonnegative().optional(),
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
    owner: z.object({ login: z.string().nullish(), name: z.string().nullish() }).nullish(),
    archived: z.boolean().optional(),
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

/** Every path the push's commits added, modified or removed. */
export function touchedPaths(push: PushEvent): string[] {
  const touched = new Set<string>();
  for (const commit of push.commits) {
    for (const path of [...(commit.added ?? []), ...(commit.modified ?? []), ...(commit.removed ?? [])]) touched.add(path);
  }
  return [...touched].sort();
}

/** Catalog files the push's commits added, modified or removed. */
export function touchedCatalogPaths(push: PushEvent, isCatalogPath: CatalogPathMatcher): string[] {
  return touchedPaths(push).filter(isCatalogPath);
}

/** GitHub lists at most this many commits in a push payload. */
export const MAX_LISTED_COMMITS = 2048;

export type RescanReason = 'commits-truncated' | 'forced' | 'branch-created' | 'default-branch-changed';

/**
 * Whether the push's file lists cannot be trusted to name every changed catalog file, so the
 * whole repository must be read again: lists that may be cut short, a forced push (commits
 * may be gone from history, the old head unreadable), a newly created default branch, or a
 * default branch other than the one recorded for the repository.
 */
export function rescanReason(push: PushEvent, recordedDefaultBranch: string | undefined): RescanReason | null {
  if (push.commits.length >= MAX_LISTED_COMMITS || (push.size !== undefined && push.size > push.commits.length)) return 'commits-truncated';
  if (push.forced) return 'forced';
  if (push.created || isZeroSha(push.before)) return 'branch-created';
  if (recordedDefaultBranch !== undefined && recordedDefaultBranch !== push.repository.default_branch) return 'default-branch-changed';
  return null;
}

/**
 * Orders this push's events against other pushes of the same files. Commit times alone are
 * no order: a force-push back to an older commit carries that commit's old time, and
 * rebased or cherry-picked commits keep their authors' clocks. GitHub's `pushed_at` (whole
 * seconds) is when the push happened, so the later of the two wins: a normal push sorts by
 * its push time, a push built with a stale `pushed_at` still by its commit.
 */
export function pushSourceVersion(push: PushEvent, fallback: Date): number {
  const fromCommit = push.head_commit ? Date.parse(push.head_commit.timestamp) : NaN;
  const pushedAt = push.repository.pushed_at;
  const fromPush = typeof pushedAt === 'number' ? pushedAt * 1000 : typeof pushedAt === 'string' ? Date.parse(pushedAt) : NaN;
  const known = [fromCommit, fromPush].filter(Number.isFinite);
  return known.length > 0 ? Math.max(...known) : fallback.getTime();
}
