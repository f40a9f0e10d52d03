import type { z } from 'zod';

export type ContractResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** Validates a decoded message against a contract; the error names the failing fields. */
export function checkContract<S extends z.ZodType>(schema: S, value: unknown): ContractResult<z.infer<S>> {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  const error = result.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
  return { ok: false, error };
}

/** Decodes a raw Kafka value (JSON) and validates it. */
export function decodeContract<S extends z.ZodType>(schema: S, raw: Buffer | string | null): ContractResult<z.infer<S>> {
  if (raw === null) return { ok: false, error: 'message has no value' };
  let decoded: unknown;
  try {
    decoded = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch (err) {
    return { ok: false, error: `value is not JSON: ${(err as Error).message}` };
  }
  return checkContract(schema, decoded);
}
