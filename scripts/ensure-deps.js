#!/usr/bin/env node
'use strict';
// Installs node_modules from package-lock.json when they are missing or were installed from a
// different lockfile, so both README commands work on a fresh clone and cost nothing on the
// next run. `npm install --no-save` rather than `npm ci`: npm 11.19 writes lockfiles without
// the other platforms' optional binaries (@swc/core-darwin-*, ...) and its own `npm ci` then
// refuses them as out of sync; `install --no-save` honours the locked versions and never
// rewrites the lockfile.
//
// Run as a script (npm test, the benchmarks) or required (`npm run dev` says what it does and
// how long it took). Needs nothing from node_modules.
const { createHash } = require('node:crypto');
const { existsSync, readFileSync, writeFileSync } = require('node:fs');
const { spawn } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const lockfile = path.join(root, 'package-lock.json');
const marker = path.join(root, 'node_modules', '.callboard-lock-sha256');

/** A line naming the problem when this Node.js is too old, else null. */
function nodeVersionProblem(version = process.versions.node) {
  const [major, minor] = version.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19)) return `Node.js >= 20.19 is required (found ${version})`;
  return null;
}

function lockHash() {
  return createHash('sha256').update(readFileSync(lockfile)).digest('hex');
}

/** True when node_modules is missing or was installed from another package-lock.json. */
function needsInstall() {
  return !(existsSync(marker) && readFileSync(marker, 'utf8').trim() === lockHash());
}

/** `npm install` from the lockfile (output inherited); rejects with a one-line reason. */
function install() {
  const wanted = lockHash();
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  return new Promise((resolve, reject) => {
    const child = spawn(npm, ['install', '--no-save', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: root, stdio: 'inherit' });
    child.once('error', (error) => reject(new Error(`cannot run npm: ${error.message}`)));
    child.once('exit', (code, signal) => {
      if (code !== 0) return reject(new Error(`\`npm install\` failed (${signal ?? `exit code ${code}`}); see the output above`));
      writeFileSync(marker, `${wanted}\n`);
      resolve();
    });
  });
}

module.exports = { needsInstall, install, nodeVersionProblem };

if (require.main === module) {
  const problem = nodeVersionProblem();
  if (problem) {
    console.error(`callboard: ${problem}`);
    process.exit(1);
  }
  if (!needsInstall()) process.exit(0);
  const t0 = Date.now();
  console.log('callboard: installing dependencies from package-lock.json (no node_modules yet, or the lockfile changed)...');
  install().then(
    () => console.log(`callboard: dependencies installed in ${((Date.now() - t0) / 1000).toFixed(1)} s`),
    (error) => {
      console.error(`callboard: ${error.message}`);
      process.exit(1);
    },
  );
}
