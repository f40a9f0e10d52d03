#!/bin/sh
# The test command (README, .ci/run): installs dependencies, builds, provisions the real
# Kafka and FerretDB (cached under .callboard/), and runs every jest test, unit and integration.
# Extra arguments go to jest, e.g. `npm test -- --selectProjects unit`.
set -eu
cd "$(dirname "$0")/.."
started=$(date +%s)
node scripts/ensure-deps.js
npm run --silent build
# Benchmarks and the test-only entry points (dist/test/support) compile too: a broken bench fails here.
npx tsc -p tsconfig.bench.json && npx tsc-alias -p tsconfig.bench.json
# Jest compiles tests without type checking (swc): the types of the tests themselves are checked here.
npm run --silent typecheck
mkdir -p .callboard
# The walls between apps and libs (.dependency-cruiser.js): a broken one fails at once, before jest.
npm run --silent walls || { echo "walls: an import crosses a wall (rules and reasons above, in .dependency-cruiser.js)"; exit 1; }
status=0
npx jest --ci --json --outputFile=.callboard/jest-results.json "$@" || status=$?
# One plain closing line any CI can read, whatever jest printed above it.
node -e '
  const r = require("./.callboard/jest-results.json");
  console.log(`jest: ${r.numPassedTests} passed, ${r.numFailedTests + r.numRuntimeErrorTestSuites} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
' || true
echo "test command took $(( $(date +%s) - started )) s"
exit $status
