// Four tiers, one runner. Integration and e2e share one pair of emulators (dynalite + fauxqs)
// started by test/support/emulators.global.mjs; fauxqs is ESM-only, hence the .mjs setup file.
const transform = { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] };
const common = { testEnvironment: 'node', transform, moduleFileExtensions: ['ts', 'js', 'mjs', 'json'] };
const withEmulators = {
  globalSetup: '<rootDir>/test/support/emulators.global.mjs',
  globalTeardown: '<rootDir>/test/support/emulators.teardown.mjs',
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...common,
      ...withEmulators,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
    },
    {
      ...common,
      ...withEmulators,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      // Every answer an e2e test receives is checked against the OpenAPI document.
      setupFilesAfterEnv: ['<rootDir>/test/support/contract.setup.ts'],
    },
    { ...common, displayName: 'infra', testMatch: ['<rootDir>/test/infra/**/*.test.ts'] },
  ],
};
