import { z } from 'zod';

/**
 * Environment fragments the services compose into their own schema. Every variable is
 * validated once at boot; a wrong value stops the service with a message naming it.
 */
// 0 asks the OS for a free port (tests).
const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

const brokerList = z
  .string()
  .transform((value) => value.split(',').map((b) => b.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^[^:\s]+:\d{1,5}$/, 'expected host:port')).min(1, 'at least one broker'));

/** `true` / `false`, as environment variables spell booleans. */
export const booleanFlag = (fallback: 'true' | 'false') =>
  z
    .enum(['true', 'false'])
    .default(fallback)
    .transform((v) => v === 'true');

export const serviceEnv = {
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Human-readable logs for a terminal; JSON lines otherwise. */
  LOG_PRETTY: booleanFlag('false'),
  /**
   * One log line per HTTP request (pino-http). Off, a request costs no per-request logger (the
   * query service's read API at thousands of requests a second); errors are still logged.
   */
  HTTP_REQUEST_LOGS: booleanFlag('true'),
  HOST: z.string().min(1).default('127.0.0.1'),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600000).default(25000),
};

export const kafkaEnv = {
  KAFKA_BROKERS: brokerList.default(['127.0.0.1:9092']),
  KAFKA_CLIENT_ID: z.string().min(1).max(100).default('callboard'),
  /** Prefix of every topic and consumer group: several deployments (or test runs) share one cluster without seeing each other. */
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]*$/, 'only letters, digits, ".", "_" and "-"')
    .max(100)
    .default(''),
  KAFKA_TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(3),
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(10).default(1),
  /**
   * How long a consumer that died silently keeps its partitions before the group rebalances:
   * every entity keyed on them is that stale. Short is safe because consumers heartbeat (every
   * sixth of it) also while a long batch is handled; 6 s is the broker's default
   * group.min.session.timeout.ms.
   */
  KAFKA_CONSUMER_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6000).max(300000).default(10000),
};

export const mongoEnv = {
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'expected a mongodb:// or mongodb+srv:// URI')
    .default('mongodb://127.0.0.1:27017/callboard'),
  /** Overrides the database named in MONGODB_URI. */
  MONGODB_DATABASE: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,63}$/, 'letters, digits, "_" and "-", at most 63 characters')
    .optional(),
};

export { port };

export class ConfigValidationError extends Error {}

/** Parses an environment against a schema; the error lists each offending variable. */
export function parseEnv<S extends z.ZodType>(schema: S, env: Record<string, unknown>): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const variable = issue.path.join('.') || '(environment)';
    const given = issue.path.length === 1 ? env[String(issue.path[0])] : undefined;
    // A rule across variables (custom) explains itself; anything else about an unset variable means it is missing.
    if (given === undefined) return issue.code === 'custom' ? `${variable}: ${issue.message}` : `${variable}: required but not set`;
    return `${variable}: ${issue.message} (got ${JSON.stringify(secretSafe(String(issue.path[0]), given))})`;
  });
  throw new ConfigValidationError(`Invalid configuration: ${problems.join('; ')}`);
}

function secretSafe(variable: string, value: unknown): unknown {
  return /SECRET|TOKEN|PASSWORD|PRIVATE_KEY/i.test(variable) ? '***' : value;
}
