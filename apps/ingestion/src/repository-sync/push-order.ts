import type { RecordedHead } from './repository-record';

/** A push as far as ordering goes: the commit it moved the branch to, from which, and its version. */
export interface PushedHead {
  sha: string;
  before: string;
  sourceVersion: number;
}

export type PushPlacement =
  /**
   * Read the push's files at its own head with this version. `advancesHead`: the push is the
   * branch's newest known state, recorded as its head.
   */
  | { kind: 'apply'; sourceVersion: number; advancesHead: boolean }
  /** The push is behind the recorded head: its files are read at that head, the newer state. */
  | { kind: 'behind' }
  /** Neither the chain nor the times tell the two apart: GitHub's branch head must decide. */
  | { kind: 'ask-branch' };

/**
 * Where a push stands against the newest head recorded for its repository. Times come first
 * only when they differ: GitHub's are whole seconds, so two pushes in one second tie, and only
 * the commit chain (a push's `before` is the commit its predecessor pushed) tells which is
 * newer. A push that follows the recorded head takes at least its version, so that its files
 * outrank the predecessor's in the catalog too, clocks skewed or not. The normal case, a push
 * following the last one, needs no request to GitHub.
 */
export function placePush(recorded: RecordedHead | undefined, push: PushedHead): PushPlacement {
  if (!recorded) return { kind: 'apply', sourceVersion: push.sourceVersion, advancesHead: true };
  // A redelivery: the same state again, which the recorded files' hashes leave unpublished.
  if (push.sha === recorded.sha) return { kind: 'apply', sourceVersion: push.sourceVersion, advancesHead: false };
  if (push.before === recorded.sha) return { kind: 'apply', sourceVersion: Math.max(push.sourceVersion, recorded.sourceVersion), advancesHead: true };
  if (recorded.before === push.sha) return { kind: 'behind' };
  if (push.sourceVersion > recorded.sourceVersion) return { kind: 'apply', sourceVersion: push.sourceVersion, advancesHead: true };
  // Older by its time: the files a newer sync recorded are left alone by their own versions.
  if (push.sourceVersion < recorded.sourceVersion) return { kind: 'apply', sourceVersion: push.sourceVersion, advancesHead: false };
  return { kind: 'ask-branch' };
}
