import { QueryInputError } from '@callboard/catalog-index';

type RawQuery = Record<string, unknown>;

/**
 * Query-string parameters checked the way Backstage's OpenAPI validator checks them: an
 * unknown parameter or an empty value is a 400 naming it, integers must be integers ≥ 0.
 * Only strings are ever read from here, so no parameter can smuggle an object or operator.
 */
export class RequestParams {
  constructor(
    private readonly query: RawQuery,
    allowed: readonly string[],
  ) {
    for (const [name, value] of Object.entries(query)) {
      if (!allowed.includes(name)) throw new QueryInputError(`Unknown query parameter '${name}'`);
      const values = Array.isArray(value) ? value : [value];
      // Any empty value, also among repeated ones, so that what is refused is what the document declares.
      if (values.some((v) => v === '')) throw new QueryInputError(`Empty value found for query parameter '${name}'`);
    }
  }

  /** For endpoints that take no query parameters: any given one is a 400. */
  static none(query: RawQuery): void {
    new RequestParams(query, []);
  }

  /** A repeatable parameter (`filter=a&filter=b`). */
  list(name: string): string[] {
    const value = this.query[name];
    if (value === undefined) return [];
    const values = Array.isArray(value) ? value : [value];
    if (!values.every((v): v is string => typeof v === 'string')) throw new QueryInputError(`Invalid ${name}, not a string`);
    return values;
  }

  /** A parameter whose single value is a comma-separated list (`fields=a,b`); repeats are kept as given. */
  commaList(name: string): string[] {
    const values = this.list(name);
    return values.length === 1 ? values[0].split(',') : values;
  }

  string(name: string): string | undefined {
    const values = this.list(name);
    if (values.length > 1) throw new QueryInputError(`request/query/${name} must be string`);
    return values[0];
  }

  integer(name: string): number | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    // JSON Schema's integer is a number without a fraction, so `2.0` and `1e3` are integers too.
    if (!/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(value.trim()) || !Number.isInteger(Number(value))) throw new QueryInputError(`request/query/${name} must be integer`);
    const number = Number(value);
    if (number < 0) throw new QueryInputError(`request/query/${name} must be >= 0`);
    if (!Number.isSafeInteger(number)) throw new QueryInputError(`request/query/${name} must be integer`);
    return number;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    if (!allowed.includes(value as T)) throw new QueryInputError(`request/query/${name} must be equal to one of the allowed values: ${allowed.join(', ')}`);
    return value as T;
  }
}

/** A JSON request body must be an object; Backstage's validator words it like this. */
export function bodyObject(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new QueryInputError('request/body must be object');
  return body as Record<string, unknown>;
}
