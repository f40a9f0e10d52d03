import type { ReplayedLetter, ReplayReport, SkippedLetter } from '@callboard/kafka';

// Details the producers of dead letters record, in the words an operator reads them in.
const DETAIL_WORDS: Array<[key: string, words: (value: unknown, all: Record<string, unknown>) => string]> = [
  ['path', (path, all) => `file ${typeof all.repository === 'string' ? `${all.repository}/` : ''}${String(path)}`],
  ['documentIndex', (index) => `document index ${String(index)} (counted from 0)`],
  ['commitSha', (sha) => `commit ${String(sha)}`],
  ['org', (org) => `organisation ${String(org)}`],
  ['entityRef', (ref) => `entity ${String(ref)}`],
  ['attempts', (attempts) => `${String(attempts)} attempts`],
  ['status', (status) => `HTTP status ${String(status)}`],
];
// Said by another detail already (the repository is part of the file; the location is the file's URL).
const IMPLIED = new Set(['repository', 'location']);

/** A letter's details as one line: the known ones in words, any other as `key value`. */
export function describeDetails(details: Record<string, unknown> | undefined): string | undefined {
  if (!details) return undefined;
  const parts: string[] = [];
  for (const [key, words] of DETAIL_WORDS) {
    if (details[key] === undefined) continue;
    parts.push(words(details[key], details));
  }
  const described = new Set(DETAIL_WORDS.map(([key]) => key));
  if (details.path === undefined && details.repository !== undefined) parts.unshift(`repository ${String(details.repository)}`);
  for (const [key, value] of Object.entries(details)) {
    if (described.has(key) || IMPLIED.has(key) || value === undefined) continue;
    parts.push(`${key} ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  }
  return parts.length > 0 ? parts.join(', ') : undefined;
}

type Listed = { letter: ReplayedLetter; replayed: true } | { letter: SkippedLetter; replayed: false };

/**
 * The report as an operator reads it: every selected letter in the dead-letter topic's order,
 * each with why it was parked (reason, stage, details: file, document, commit) and, for one
 * that is not re-published, why not; then the totals.
 */
export function formatReport(report: ReplayReport): string {
  const verb = report.dryRun ? 'would replay' : 'replayed';
  const listed: Listed[] = [...report.replayed.map((letter) => ({ letter, replayed: true as const })), ...report.skipped.map((letter) => ({ letter, replayed: false as const }))];
  listed.sort((a, b) => a.letter.partition - b.letter.partition || (BigInt(a.letter.offset) < BigInt(b.letter.offset) ? -1 : 1));
  const lines: string[] = [];
  for (const entry of listed) {
    const { letter } = entry;
    const where = `${report.deadLetterTopic}/${letter.partition}/${letter.offset}${letter.deliveryId ? ` delivery ${letter.deliveryId}` : ''}`;
    lines.push(entry.replayed ? `${verb} ${where} key ${entry.letter.key ?? '(none)'}` : `skipped ${where}`);
    if (letter.reason !== undefined) lines.push(`  parked${letter.failedAt ? ` ${letter.failedAt}` : ''}${letter.stage ? ` at ${letter.stage}` : ''}: ${letter.reason}`);
    const details = describeDetails(letter.details);
    if (details) lines.push(`  ${details}`);
    if (!entry.replayed) lines.push(`  ${entry.letter.why}`);
  }
  lines.push(
    `${report.dryRun ? 'dry run: ' : ''}${report.replayed.length} ${verb} to ${report.sourceTopic}, ${report.skipped.length} skipped, ${report.read - report.replayed.length - report.skipped.length} not selected, of ${report.read} dead letters`,
  );
  return `${lines.join('\n')}\n`;
}
