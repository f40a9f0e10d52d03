import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { eventually } from './service-harness';

// This file runs from test/support (jest) and from dist/test/support (benchmarks).
function findRepoRoot(from: string): string {
  for (let dir = from; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'nest-cli.json'))) return dir;
  }
  throw new Error(`no repository root above ${from}`);
}

export const repoRoot = findRepoRoot(__dirname);

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface ServiceProcess {
  url: string;
  pid: number;
  output: () => string;
  /** Resolves with the exit code, or the signal name when a signal ended it. */
  exited: Promise<number | string | null>;
  /** SIGTERM, then the exit code (null if it had to be killed). */
  stop(): Promise<number | null>;
}

/**
 * Runs a built service (dist/) as its own process, the way production runs it; `entry` runs
 * another built entry point instead (a test-only variant under dist/test/support), with `args`.
 */
export async function spawnService(
  app: 'ingestion' | 'catalog' | 'query',
  env: Record<string, string>,
  options: { readyTimeoutMs?: number; nodeFlags?: readonly string[]; entry?: string; args?: readonly string[] } = {},
): Promise<ServiceProcess> {
  const port = await freePort();
  const entry = options.entry ? path.join(repoRoot, 'dist', options.entry) : path.join(repoRoot, 'dist/apps', app, 'src/main.js');
  // Flags such as --trace-gc are refused in NODE_OPTIONS: they go on the command line.
  const child: ChildProcess = spawn(process.execPath, [...(options.nodeFlags ?? []), entry, ...(options.args ?? [])], {
    env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const url = `http://127.0.0.1:${port}`;
  try {
    // A service that exits while starting fails the wait at once, not at its timeout.
    const died = exited.then((code) => Promise.reject(new Error(`${app} exited with ${code}:\n${output.slice(-3000)}`)));
    // Handled here, so a later normal exit is no unhandled rejection.
    died.catch(() => undefined);
    await Promise.race([
      died,
      eventually(async () => {
        const response = await fetch(`${url}/health`);
        return response.status === 200 ? true : undefined;
      }, options.readyTimeoutMs ?? 60000, 200),
    ]);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${app} did not become healthy: ${(err as Error).message}\n${output.slice(-3000)}`);
  }
  return {
    url,
    pid: child.pid!,
    output: () => output,
    exited,
    stop: async () => {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 30000).unref());
      const result = await Promise.race([exited, timeout]);
      if (result === 'timeout') {
        child.kill('SIGKILL');
        return null;
      }
      return typeof result === 'number' ? result : null;
    },
  };
}
