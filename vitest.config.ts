import { configDefaults, defineConfig } from 'vitest/config'

// The 50-node churn-and-partition acceptance run takes about two minutes and, in some runs,
// still loses a first message (a messaging bug it found: doc/simulation.md, known gaps), so
// it runs with `npm run sim:ci` until that is fixed, not in `npm test`.
const slowAcceptance = process.env.TOKENIM_SIM_CI === '1' ? [] : ['test/sim/network-50.test.ts']

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...slowAcceptance],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests start real libp2p nodes and processes; two workers fit a 2-core machine.
    maxWorkers: 2,
  },
})
