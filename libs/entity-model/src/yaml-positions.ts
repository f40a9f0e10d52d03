import { Document, isMap, isNode, isScalar, isSeq, LineCounter } from 'yaml';

export type FieldPath = ReadonlyArray<string | number>;

function lineAt(lines: LineCounter, node: unknown): number | undefined {
  if (!isNode(node) || !node.range) return undefined;
  return lines.linePos(node.range[0]).line;
}

/**
 * The 1-based line where a document's content starts (its first key, after any `---` and
 * comments), which is where its author looks for it; the document marker's line when it is empty.
 */
export function documentStartLine(document: Document.Parsed, lines: LineCounter): number {
  return lineAt(lines, document.contents) ?? lines.linePos(document.range[0]).line;
}

/**
 * The line of the field at `path` (a mapping key's line, or a list item's), or, when the field
 * is not written, the line of its closest written parent: where a missing field belongs.
 */
export function lineOfPath(document: Document.Parsed, lines: LineCounter, path: FieldPath): { line: number; exact: boolean } {
  let node: unknown = document.contents;
  let line = documentStartLine(document, lines);
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) return { line, exact: false };
      line = lineAt(lines, pair.key) ?? line;
      node = pair.value;
    } else if (isSeq(node) && Number.isInteger(Number(segment))) {
      const item: unknown = node.items[Number(segment)];
      if (item === undefined) return { line, exact: false };
      line = lineAt(lines, item) ?? line;
      node = item;
    } else {
      return { line, exact: false };
    }
  }
  return { line, exact: true };
}
