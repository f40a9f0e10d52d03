import { z } from 'zod';
import { ConfigValidationError, kafkaEnv, mongoEnv, parseEnv } from './env-schema';

const schema = z.object({ ...kafkaEnv, ...mongoEnv, GITHUB_WEBHOOK_SECRET: z.string().min(1) });

describe('parseEnv', () => {
  it('applies defaults and parses broker lists', () => {
    const config = parseEnv(schema, { KAFKA_BROKERS: 'a:9092, b:9093', GITHUB_WEBHOOK_SECRET: 's' });
    expect(config.KAFKA_BROKERS).toEqual(['a:9092', 'b:9093']);
    expect(config.MONGODB_URI).toBe('mongodb://127.0.0.1:27017/callboard');
  });

  it('names every offending variable and never echoes secrets', () => {
    let error: unknown;
    try {
      parseEnv(schema, { KAFKA_BROKERS: 'no-port', MONGODB_URI: 'postgres://x', GITHUB_WEBHOOK_SECRET: '' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const message = (error as Error).message;
    expect(message).toMatch(/KAFKA_BROKERS/);
    expect(message).toMatch(/MONGODB_URI/);
    expect(message).toMatch(/GITHUB_WEBHOOK_SECRET: .*\(got "\*\*\*"\)/);
    expect(() => parseEnv(schema, {})).toThrow(/GITHUB_WEBHOOK_SECRET: required but not set/);
  });

  it('lets a rule across variables explain itself when the variable it names is unset', () => {
    const either = z.object({ A: z.string().optional(), B: z.string().optional() }).superRefine((env, ctx) => {
      if (!env.A && !env.B) ctx.addIssue({ code: 'custom', path: ['A'], message: 'set A or B' });
    });
    expect(() => parseEnv(either, {})).toThrow(/^Invalid configuration: A: set A or B$/);
  });
});
