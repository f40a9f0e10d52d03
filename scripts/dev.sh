#!/bin/sh
# The run command (README): installs dependencies and builds when needed, then starts the
# whole system (scripts/dev.js says what it does at each step and how long it took).
set -eu
cd "$(dirname "$0")/.."
exec node scripts/dev.js
