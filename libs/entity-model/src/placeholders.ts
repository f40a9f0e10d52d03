import { parse as parseYaml } from 'yaml';

/** Reads the text a placeholder points at (`./openapi.yaml`, or a URL), relative to the catalog file. */
export type PlaceholderReader = (target: string) => Promise<string>;

const KINDS = new Set(['$text', '$json', '$yaml']);

export class PlaceholderError extends Error {
  constructor(
    message: string,
    /** Where in the document the placeholder sits (`['spec', 'definition']`), to point its author at it. */
    readonly path: ReadonlyArray<string | number> = [],
  ) {
    super(message);
  }
}

/**
 * Resolves Backstage's placeholders: a mapping whose only key is `$text`, `$json` or `$yaml`
 * is replaced by the referenced file's text, parsed JSON or parsed YAML (as Backstage's
 * PlaceholderProcessor does, e.g. `definition: { $text: ./openapi.yaml }` on an API).
 */
export async function resolvePlaceholders(value: unknown, read: PlaceholderReader | undefined, path: ReadonlyArray<string | number> = []): Promise<unknown> {
  if (Array.isArray(value)) return Promise.all(value.map((item, i) => resolvePlaceholders(item, read, [...path, i])));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1 && KINDS.has(entries[0][0])) {
    const [kind, target] = entries[0];
    if (typeof target !== 'string' || !target) throw new PlaceholderError(`placeholder ${kind} must be a non-empty string`, path);
    if (!read) throw new PlaceholderError(`placeholder ${kind} cannot be resolved here`, path);
    let text: string;
    try {
      text = await read(target);
    } catch (err) {
      throw new PlaceholderError(`placeholder ${kind} could not read ${target}: ${(err as Error).message}`, path);
    }
    try {
      if (kind === '$text') return text;
      if (kind === '$json') return JSON.parse(text) as unknown;
      return parseYaml(text) as unknown;
    } catch (err) {
      throw new PlaceholderError(`placeholder ${kind} could not parse ${target}: ${(err as Error).message}`, path);
    }
  }
  const resolved: Record<string, unknown> = {};
  for (const [key, item] of entries) resolved[key] = await resolvePlaceholders(item, read, [...path, key]);
  return resolved;
}

/** The repository path a relative placeholder target names, from the catalog file's path. */
export function resolveRelativePath(catalogFilePath: string, target: string): string | null {
  const base = new URL(`file:///${catalogFilePath}`);
  const resolved = new URL(target, base);
  if (resolved.protocol !== 'file:') return null;
  return decodeURIComponent(resolved.pathname.replace(/^\/+/, ''));
}
