import { configDefaults, defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: configDefaults.exclude,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests start real libp2p nodes and processes; two workers fit a 2-core machine.
    maxWorkers: 2,
  },
})
