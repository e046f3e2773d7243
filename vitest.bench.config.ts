import { defineConfig } from 'vitest/config'

// Benchmarks run apart from the tests (`npm run bench`): they time things, tests do not.
export default defineConfig({
  test: {
    include: ['bench/**/*.bench.ts'],
    globalSetup: ['__tests__/e2e/lab-setup.ts'],
    testTimeout: 1_800_000,
    hookTimeout: 900_000,
    fileParallelism: false
  }
})
