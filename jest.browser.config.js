// `npm run test:browser`: pages tested in real Chromium (Debian's package, driven by playwright-core),
// against the local runtime on the same emulators as the e2e tier. Not part of `npm test`, which needs no
// browser; .ci/run installs Chromium when it is missing and runs this after `npm test`.
const transform = { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] };

/** @type {import('jest').Config} */
module.exports = {
  displayName: 'browser',
  testEnvironment: 'node',
  transform,
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  testMatch: ['<rootDir>/test/browser/**/*.test.ts'],
  globalSetup: '<rootDir>/test/support/browser.global.mjs',
  globalTeardown: '<rootDir>/test/support/emulators.teardown.mjs',
  setupFilesAfterEnv: ['<rootDir>/test/support/contract.setup.ts'],
  testTimeout: 90_000,
  // One browser at a time on a 2-core machine.
  maxWorkers: 1,
};
