/** One condition: the key exists (no values) or equals any of the values. Lowercased. */
export interface FilterCondition {
  key: string;
  values?: string[];
}

/** Backstage's filter semantics: `anyOf` (repeated `filter` params) of `allOf` (comma-separated statements). */
export interface EntityFilter {
  anyOf: Array<{ allOf: FilterCondition[] }>;
}

export class InvalidFilterError extends Error {}

/**
 * Parses Backstage `filter` query parameters: each parameter is a comma-separated list of
 * `key=value` (or bare `key` for existence); statements with the same key are alternatives.
 * Returns undefined when there is nothing to filter on.
 */
export function parseFilterParams(params: readonly string[]): EntityFilter | undefined {
  const anyOf: EntityFilter['anyOf'] = [];
  for (const param of params) {
    const statements = param
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (statements.length === 0) continue;
    const byKey = new Map<string, FilterCondition>();
    for (const statement of statements) {
      const equalsIndex = statement.indexOf('=');
      const rawKey = (equalsIndex === -1 ? statement : statement.substring(0, equalsIndex)).trim();
      const value = equalsIndex === -1 ? undefined : statement.substring(equalsIndex + 1).trim().toLocaleLowerCase('en-US');
      if (!rawKey) {
        throw new InvalidFilterError(`Invalid filter, '${statement}' is not a valid statement (expected a string on the form a=b or a= or a)`);
      }
      // Backstage groups statements by the key as written: `kind=a,kind=b` is one condition
      // (either value), while `kind=a,Kind=b` are two that must both hold.
      const condition = byKey.get(rawKey) ?? { key: rawKey.toLocaleLowerCase('en-US') };
      byKey.set(rawKey, condition);
      if (value !== undefined) condition.values = [...(condition.values ?? []), value];
    }
    anyOf.push({ allOf: [...byKey.values()] });
  }
  return anyOf.length ? { anyOf } : undefined;
}
