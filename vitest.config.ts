import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/support/setup.ts'],
    // Builds dist/ when it is missing or older than src/ (the CLI, example and package tests run it).
    globalSetup: ['test/cli/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    benchmark: { include: ['bench/**/*.bench.ts'] },
    // The public types (test/types/*.test-d.ts) are checked by tsc in the same run: a type that widens, or an
    // expected type error that stops being one, fails the suite.
    typecheck: { enabled: true, include: ['test/types/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
})
