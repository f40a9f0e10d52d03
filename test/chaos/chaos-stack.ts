/**
 * A Kafka and FerretDB of the chaos suite's own (scripts/stack, `dev` semantics: data kept), in a
 * state folder and on ports of its own, so that stopping them never touches the dev, test or
 * bench stacks, nor another engineer's run.
 */
import path from 'node:path';
import { repoRoot } from '../support/process-harness';

export type EngineName = 'kafka' | 'mongodb';

interface StackModule {
  up(o: { profile: string; env?: NodeJS.ProcessEnv }): Promise<{ kafkaBrokers: string; mongodbUri: string }>;
  down(o: { profile: string; env?: NodeJS.ProcessEnv }): Promise<void>;
  status(o: { profile: string; env?: NodeJS.ProcessEnv }): Promise<Record<EngineName, { pid: number | null; running: boolean }>>;
}
interface StackUtil {
  killGroup(pgid: number, o?: { graceMs?: number }): Promise<{ killed: boolean }>;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const stack = require(path.join(repoRoot, 'scripts/stack')) as StackModule;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const util = require(path.join(repoRoot, 'scripts/stack/util')) as StackUtil;

export interface ChaosStackOptions {
  stateDir: string;
  kafkaPort: number;
  kafkaControllerPort: number;
  mongodbPort: number;
}

export class ChaosStack {
  kafkaBrokers = '';
  mongodbUri = '';
  private readonly env: NodeJS.ProcessEnv;

  constructor(options: ChaosStackOptions) {
    // The engines' processes are the point: servers given from outside cannot be stopped here.
    const { KAFKA_BROKERS: _kafka, MONGODB_URI: _mongodb, ...env } = process.env;
    void _kafka;
    void _mongodb;
    this.env = {
      ...env,
      CALLBOARD_STATE_DIR: options.stateDir,
      CALLBOARD_KAFKA_PORT: String(options.kafkaPort),
      CALLBOARD_KAFKA_CONTROLLER_PORT: String(options.kafkaControllerPort),
      CALLBOARD_MONGODB_PORT: String(options.mongodbPort),
    };
  }

  /** Starts whichever engine is not running (both at first) and waits until each answers a real client call. */
  async up(): Promise<void> {
    const result = await stack.up({ profile: 'dev', env: this.env });
    this.kafkaBrokers = result.kafkaBrokers;
    this.mongodbUri = result.mongodbUri;
  }

  /** A real stop: SIGTERM to the engine's process group (SIGKILL after 30 s), its data folder kept. */
  async stop(engine: EngineName): Promise<void> {
    const status = await stack.status({ profile: 'dev', env: this.env });
    const pid = status[engine].pid;
    if (!status[engine].running || pid === null) throw new Error(`${engine} of the chaos stack is not running`);
    await util.killGroup(pid, { graceMs: 30_000 });
  }

  async down(): Promise<void> {
    await stack.down({ profile: 'dev', env: this.env });
  }
}
