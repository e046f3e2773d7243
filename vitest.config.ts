import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['__tests__/unit/**/*.test.ts']
        }
      },
      {
        test: {
          name: 'contract',
          include: ['__tests__/contract/**/*.test.ts'],
          setupFiles: ['__tests__/support/cleanup.ts'],
          testTimeout: 60_000
        }
      },
      {
        test: {
          name: 'buildx',
          include: ['__tests__/buildx/**/*.test.ts'],
          setupFiles: ['__tests__/support/cleanup.ts'],
          testTimeout: 900_000
        }
      },
      {
        test: {
          name: 'e2e',
          include: ['__tests__/e2e/**/*.test.ts'],
          globalSetup: ['__tests__/e2e/lab-setup.ts'],
          // The run's own TMPDIR first, then what each file leaves goes when it ends.
          setupFiles: ['__tests__/e2e/run-env.ts', '__tests__/support/cleanup.ts'],
          testTimeout: 600_000,
          hookTimeout: 900_000,
          // The e2e suites share the kernel's binfmt table and the lab registries; the global
          // setup also keeps other runs out (__tests__/support/machine-lock.ts).
          fileParallelism: false
        }
      }
    ]
  }
})
