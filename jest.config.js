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
    {
      // The console's components in a DOM without a browser (happy-dom); the browser tier drives Chromium.
      displayName: 'web',
      testEnvironment: '@happy-dom/jest-environment',
      testEnvironmentOptions: { url: 'http://localhost:3000/', customExportConditions: ['node', 'require'] },
      transform: {
        '^.+\\.tsx?$': [
          'ts-jest',
          {
            diagnostics: false,
            tsconfig: {
              jsx: 'react-jsx',
              jsxImportSource: 'preact',
              module: 'commonjs',
              esModuleInterop: true,
            },
          },
        ],
      },
      moduleFileExtensions: ['ts', 'tsx', 'js', 'mjs', 'json'],
      moduleNameMapper: { '\\.css$': '<rootDir>/test/web/no-styles.js' },
      testMatch: ['<rootDir>/test/web/**/*.test.ts?(x)'],
    },
  ],
};
