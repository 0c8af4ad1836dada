/** One Jest run for every project: real Temporal and PostgreSQL are started once, in globalSetup. */
module.exports = {
  testEnvironment: 'node',
  transform: {
    // kysely 0.29 ships ES modules only; Jest (before Node 24.9) cannot require them untransformed.
    '^.+\\.(ts|js)$': [
      '@swc/jest',
      { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!kysely/)'],
  testMatch: ['<rootDir>/{apps,libs,tools,bench}/**/*.test.ts'],
  modulePathIgnorePatterns: ['<rootDir>/.fleet/', '/dist/'],
  globalSetup: '<rootDir>/tools/infra/src/jest/global-setup.ts',
  globalTeardown: '<rootDir>/tools/infra/src/jest/global-teardown.ts',
  testTimeout: 120_000,
  maxWorkers: 2,
  // A worker that has replayed large workflow bundles is restarted before its next file rather than running out of memory.
  workerIdleMemoryLimit: '1536MB',
};
