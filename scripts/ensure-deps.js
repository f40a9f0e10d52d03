#!/usr/bin/env node
'use strict';
// Installs node_modules from package-lock.json when they are missing or were installed from a
// different lockfile, so both README commands work on a fresh clone and cost nothing on the
// next run. `npm install --no-save` rather than `npm ci`: npm 11.19 writes lockfiles without
// the other platforms' optional binaries (@swc/core-darwin-*, ...) and its own `npm ci` then
// refuses them as out of sync; `install --no-save` honours the locked versions and never
// rewrites the lockfile.
const { createHash } = require('node:crypto');
const { existsSync, readFileSync, writeFileSync } = require('node:fs');
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const lockfile = path.join(root, 'package-lock.json');
const marker = path.join(root, 'node_modules', '.callboard-lock-sha256');

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`callboard: Node.js >= 20.19 is required (found ${process.versions.node})`);
  process.exit(1);
}

const wanted = createHash('sha256').update(readFileSync(lockfile)).digest('hex');
if (existsSync(marker) && readFileSync(marker, 'utf8').trim() === wanted) process.exit(0);

console.log('callboard: installing dependencies...');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const result = spawnSync(npm, ['install', '--no-save', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: root, stdio: 'inherit' });
if (result.status !== 0) {
  console.error('callboard: `npm install` failed; see the output above');
  process.exit(result.status ?? 1);
}
writeFileSync(marker, `${wanted}\n`);
