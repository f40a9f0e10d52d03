'use strict';
// The walls between the parts of Callboard, checked by `npm run walls` and by `npm test` before
// jest (dependency-cruiser reads the TypeScript sources and resolves the `@callboard/*` aliases
// through tsconfig.json). A broken rule fails the command with the rule's comment and the import.
// Test code may import what it needs (an app's integration tests start the other apps too).
const TEST_CODE = '(^|/)(test|benchmarks)/|[.](spec|int-spec|e2e-spec)[.]ts$';

module.exports = {
  forbidden: [
    {
      name: 'no-app-imports-another-app',
      comment:
        'An app talks to another app through Kafka topics and HTTP, never through its code: move what both need into libs/.',
      severity: 'error',
      from: { path: '^apps/([^/]+)/', pathNot: TEST_CODE },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'libs-import-no-app',
      comment: 'libs/ is what the apps share; it never depends on an app.',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'pure-libs-import-no-infrastructure',
      comment:
        'libs/entity-model and libs/contracts are pure: no Nest, Kafka, MongoDB, HTTP or GitHub client code, directly or through another module.',
      severity: 'error',
      from: { path: '^libs/(entity-model|contracts)/', pathNot: TEST_CODE },
      to: {
        reachable: true,
        path: [
          '(^|/)node_modules/(@nestjs/|kafkajs/|mongoose/|mongodb/|express/|@octokit/)',
          '^(node:)?(http|https|http2)$',
        ],
      },
    },
    {
      name: 'production-code-imports-no-test-code',
      comment: 'apps/ and libs/ run in production: they never import test/, benchmarks/ or a spec file.',
      severity: 'error',
      from: { path: '^(apps|libs)/', pathNot: TEST_CODE },
      to: { path: TEST_CODE },
    },
    {
      name: 'no-circular',
      comment: 'A cycle between modules of apps/ or libs/: break it (move the shared part into a module of its own).',
      severity: 'error',
      from: { path: '^(apps|libs)/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    // `import type` counts too: a type-only import across a wall is still a dependency of the design.
    tsPreCompilationDeps: true,
    exclude: { path: '^(dist|[.]callboard)/' },
  },
};
