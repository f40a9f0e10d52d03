#!/bin/sh
# The run command (README): installs dependencies, builds, and starts the whole system.
set -eu
cd "$(dirname "$0")/.."
node scripts/ensure-deps.js
npm run --silent build
exec node scripts/dev.js
