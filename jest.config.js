// Two projects: `unit` tests pure logic and needs no servers; `integration` runs against the
// real Kafka and FerretDB that test/support/global-setup.ts provisions (only when selected).
const swc = ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, keepClassNames: true } }];

const moduleNameMapper = {
  '^@callboard/(contracts|entity-model|catalog-index|kafka|mongo|config|observability)$': '<rootDir>/libs/$1/src',
  '^@callboard/(contracts|entity-model|catalog-index|kafka|mongo|config|observability)/(.*)$': '<rootDir>/libs/$1/src/$2',
  '^@callboard/github-stand-in$': '<rootDir>/tools/github-stand-in/src',
  '^@callboard/github-stand-in/(.*)$': '<rootDir>/tools/github-stand-in/src/$1',
};

const common = {
  rootDir: __dirname,
  transform: { '^.+\\.ts$': swc },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
  testEnvironment: 'node',
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.callboard/'],
};

module.exports = {
  // Integration tests wait on real servers; unit tests finish far below this.
  testTimeout: 120000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,tools}/**/*.spec.ts', '<rootDir>/scripts/**/*.spec.js'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs}/**/*.int-spec.ts', '<rootDir>/test/**/*.int-spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
