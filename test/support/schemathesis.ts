import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './global-setup';

const run = promisify(execFile);

/** Schemathesis from PyPI, pinned so that a run's checks do not change under the tests. */
export const SCHEMATHESIS_VERSION = '4.32.5';

/**
 * Provisions schemathesis into a virtualenv in the engine cache (`CALLBOARD_CACHE_DIR`, else
 * `.callboard/cache`), once: later runs find the completed folder and install nothing.
 * Returns the path of its command.
 */
export async function provisionSchemathesis(): Promise<string> {
  const cacheRoot = process.env.CALLBOARD_CACHE_DIR?.trim() ? path.resolve(repoRoot, process.env.CALLBOARD_CACHE_DIR.trim()) : path.join(repoRoot, '.callboard', 'cache');
  const dir = path.join(cacheRoot, `schemathesis-${SCHEMATHESIS_VERSION}`);
  const command = path.join(dir, 'bin', 'schemathesis');
  const marker = path.join(dir, '.complete');
  if (existsSync(marker)) return command;
  // A folder without the marker is a broken earlier attempt.
  await rm(dir, { recursive: true, force: true });
  await mkdir(cacheRoot, { recursive: true });
  const python = process.env.PYTHON?.trim() || 'python3';
  await run(python, ['-m', 'venv', dir]);
  await run(path.join(dir, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', `schemathesis==${SCHEMATHESIS_VERSION}`], { maxBuffer: 16 * 1024 * 1024 });
  await writeFile(marker, `${new Date().toISOString()}\n`);
  return command;
}
