/**
 * The engines a benchmark runs against: KAFKA_BROKERS / MONGODB_URI when set, else a local
 * stack of its own (scripts/stack, `dev` semantics: data kept) whose state lives under
 * `<cache>/bench/state`, so loaded datasets survive between runs, on ports of its own
 * (29092/29093/47017 unless CALLBOARD_*_PORT say otherwise) so it never collides with the
 * `dev` or `test` stacks.
 */
import path from 'node:path';
import type { Engines } from './dataset';

interface StackModule {
  up(o: { profile: string; env?: NodeJS.ProcessEnv }): Promise<{ kafkaBrokers: string; mongodbUri: string; started: { kafka: boolean; mongodb: boolean } }>;
  down(o: { profile: string; env?: NodeJS.ProcessEnv }): Promise<void>;
  resolveConfig(o: { profile: string; env?: NodeJS.ProcessEnv }): { cache: { root: string }; state: { dir?: string } };
}

// Compiled to dist/benchmarks/support: the repository root is three levels up.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const stack = require(path.resolve(__dirname, '../../../scripts/stack')) as StackModule;

const PROFILE = 'dev';

export interface BenchStack {
  engines: Engines;
  /** Where the stack keeps its data (null when both engines are external). */
  stateDir: string | null;
  /** Stops what this call started (nothing when the engines were already running or external). */
  stop(): Promise<void>;
}

export function benchStackEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const cacheRoot = stack.resolveConfig({ profile: PROFILE, env }).cache.root;
  return {
    ...env,
    CALLBOARD_STATE_DIR: path.join(cacheRoot, 'bench', 'state'),
    CALLBOARD_KAFKA_PORT: env.CALLBOARD_KAFKA_PORT || '29092',
    CALLBOARD_KAFKA_CONTROLLER_PORT: env.CALLBOARD_KAFKA_CONTROLLER_PORT || '29093',
    CALLBOARD_MONGODB_PORT: env.CALLBOARD_MONGODB_PORT || '47017',
  };
}

export async function startBenchStack(options: { keepRunning?: boolean } = {}): Promise<BenchStack> {
  const env = benchStackEnv();
  const external = Boolean(process.env.KAFKA_BROKERS && process.env.MONGODB_URI);
  const result = await stack.up({ profile: PROFILE, env });
  const stateDir = external ? null : path.join(env.CALLBOARD_STATE_DIR!, PROFILE);
  return {
    engines: { kafkaBrokers: result.kafkaBrokers, mongodbUri: result.mongodbUri },
    stateDir,
    stop: async () => {
      if (options.keepRunning) return;
      if (result.started.kafka || result.started.mongodb) await stack.down({ profile: PROFILE, env });
    },
  };
}
