import { defineConfig } from 'vitest/config';

// `.ci/run` sets AML_TEST_JSON_REPORT to read the counts from vitest's JSON reporter and print
// the plain "N passed, N failed" line CI recognises (toolchain.md).
const jsonReport = process.env.AML_TEST_JSON_REPORT;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Rule test files: every message a rule declares must be produced by its tests.
    setupFiles: ['test/support/rule-messages.ts'],
    globalSetup: ['test/support/temp-root.ts'],
    reporters: jsonReport ? ['default', ['json', { outputFile: jsonReport }]] : ['default'],
  },
});
