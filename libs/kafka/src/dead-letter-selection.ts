import type { z } from 'zod';
import { decodeContract, deadLetterV1Schema } from '@callboard/contracts';

/** Which dead letters a replay is about; unset fields select everything. */
export interface ReplayFilter {
  /** Only letters about this delivery (`X-GitHub-Delivery`). */
  deliveryId?: string;
  /** Only letters that failed at or after this time. */
  since?: Date;
}

export interface ReplayTarget {
  /** The source topic as published to (prefix included). */
  topic: string;
  /** Its contract: what a replayed message must satisfy. */
  schema: z.ZodType;
}

/** A dead letter as read from its topic. */
export interface ReadDeadLetter {
  partition: number;
  offset: string;
  raw: string | null;
}

/** What a dead letter says about itself, shown with every decision so an operator sees why it was parked. */
export interface LetterSummary {
  deliveryId?: string;
  failedAt?: string;
  /** Why it was parked (the dead letter's `reason`). */
  reason?: string;
  /** Where it failed (`ingestion.catalog-file`, `catalog.projection`, ...). */
  stage?: string;
  /** The letter's structured context: file, document index, commit, attempts, ... */
  details?: Record<string, unknown>;
}

export type ReplayDecision =
  /** Filtered out: not what the operator asked for. */
  | { kind: 'unselected' }
  /** Selected, and cannot (or need not) be re-published: why. */
  | ({ kind: 'skip'; why: string } & LetterSummary)
  | ({ kind: 'replay'; key: string | null; value: string; headers: Record<string, string>; failedAt: string; reason: string } & LetterSummary);

/**
 * Why a letter that recorded no original message cannot be replayed, by where it was parked:
 * those are rejections of what a source says, which only a change of the source fixes.
 */
function notReplayable(stage: string): string {
  switch (stage) {
    case 'ingestion.catalog-file':
      return 'cannot be replayed: the document in the file is invalid, so no message was parked to re-publish; fix the file and push (the new commit is read again)';
    case 'ingestion.github-org':
      return "cannot be replayed: GitHub's data for this user or team is invalid, so no message was parked to re-publish; fix it in GitHub (the next organisation event or `npm run reconcile -- --org <org>` reads it again)";
    default:
      return 'cannot be replayed: no original message recorded (nothing to re-publish)';
  }
}

/**
 * Decides what to do with one dead letter: re-publish the original message exactly as it was
 * recorded (value bytes and headers), when it satisfies the source topic's contract. A letter
 * without an original (e.g. an invalid document inside a catalog file: the fix is a new
 * commit) or one that broke the contract cannot be replayed. Every selected letter carries
 * its reason, stage and details either way. `replayedValues` holds what this run re-publishes
 * already, so a message parked twice goes back once.
 */
export function decideReplay(letter: ReadDeadLetter, target: ReplayTarget, filter: ReplayFilter, replayedValues: Set<string>): ReplayDecision {
  const decoded = decodeContract(deadLetterV1Schema, letter.raw);
  if (!decoded.ok) return filter.deliveryId || filter.since ? { kind: 'unselected' } : { kind: 'skip', why: `cannot be replayed: not a dead letter: ${decoded.error}` };
  const { deliveryId, failedAt, original, reason, stage, details } = decoded.value;
  if (filter.deliveryId !== undefined && deliveryId !== filter.deliveryId) return { kind: 'unselected' };
  if (filter.since && Date.parse(failedAt) < filter.since.getTime()) return { kind: 'unselected' };

  const summary: LetterSummary = { deliveryId, failedAt, reason, stage, ...(details ? { details } : {}) };
  const skip = (why: string): ReplayDecision => ({ kind: 'skip', why, ...summary });
  if (!sameTopic(original.topic, target.topic)) return skip(`cannot be replayed here: recorded for another topic (${original.topic})`);
  if (original.value === null) return skip(notReplayable(stage));
  const valid = decodeContract(target.schema, original.value);
  if (!valid.ok) return skip(`cannot be replayed: the original message breaks the topic's contract: ${valid.error}`);
  const identity = `${original.key ?? ''}\u0000${original.value}`;
  if (replayedValues.has(identity)) return skip('not replayed again: the same message is replayed from an earlier dead letter in this run');
  replayedValues.add(identity);
  return { kind: 'replay', key: original.key, value: original.value, headers: original.headers ?? {}, ...summary, failedAt, reason };
}

/**
 * Letters name the topic as it was consumed (with the deployment's prefix); a letter written
 * under no prefix, or copied from another deployment, still belongs to the unprefixed name.
 */
function sameTopic(recorded: string, target: string): boolean {
  return recorded === target || target.endsWith(`.${recorded}`) || recorded.endsWith(`.${target}`);
}
