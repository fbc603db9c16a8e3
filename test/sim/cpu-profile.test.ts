/** Summing a CPU profile: areas, callers, what started the work; idle and the profiler left out. */
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { type CpuProfile, summarizeProfile } from '../../sim/cpu-profile.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))
const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 9 })

// (root) -> mailbox timer -> kad-dht get -> classic-level put (native leaf)
//        -> socket read in @libp2p/tcp -> noise decrypt
//        -> (idle), (garbage collector), the profiler's own post
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)', ''), children: [2, 6, 8, 9, 10] },
    {
      id: 2,
      callFrame: frame('collect', `file://${root}node/mailbox/offline-mailbox.ts`),
      children: [3],
    },
    {
      id: 3,
      callFrame: frame('get', `file://${root}node_modules/@libp2p/kad-dht/dist/src/index.js`),
      children: [4],
    },
    {
      id: 4,
      callFrame: frame('_put', `file://${root}node_modules/classic-level/index.js`),
      children: [5],
    },
    { id: 5, callFrame: frame('', '') },
    {
      id: 6,
      callFrame: frame('onData', `file://${root}node_modules/@libp2p/tcp/dist/src/socket.js`),
      children: [7],
    },
    {
      id: 7,
      callFrame: frame(
        'decrypt',
        `file://${root}node_modules/@chainsafe/libp2p-noise/dist/src/crypto.js`,
      ),
    },
    { id: 8, callFrame: frame('(idle)', '') },
    { id: 9, callFrame: frame('(garbage collector)', '') },
    { id: 10, callFrame: frame('post', 'node:inspector') },
  ],
  samples: [5, 5, 7, 8, 8, 8, 8, 9, 10],
  // µs: 30 ms in the put, 10 ms decrypting, 40 ms idle, 20 ms GC, 500 ms of profiler.
  timeDeltas: [15_000, 15_000, 10_000, 10_000, 10_000, 10_000, 10_000, 20_000, 500_000],
}

describe('summarizeProfile', () => {
  const summary = summarizeProfile(profile)
  const share = (list: typeof summary.byArea, name: string) =>
    list.find((entry) => entry.name === name)?.ms

  it('counts busy time against the whole, without idle or the profiler', () => {
    expect(summary.totalMs).toBe(100)
    expect(summary.busyPercentOfOneCore).toBe(60)
  })

  it('charges self time to the leaf: native code, a package, the collector', () => {
    expect(share(summary.byArea, '(native)')).toBe(30)
    expect(share(summary.byArea, '@chainsafe/libp2p-noise')).toBe(10)
    expect(share(summary.byArea, '(garbage collector)')).toBe(20)
  })

  it('names the innermost package and the product area that started the work', () => {
    expect(share(summary.byCaller, 'classic-level')).toBe(30)
    expect(share(summary.startedBy, 'node/mailbox')).toBe(30)
    expect(share(summary.startedBy, '@libp2p/tcp')).toBe(10)
    expect(share(summary.startedBy, '(Node or V8 only)')).toBe(20)
    expect(summary.startedBy[0]).toMatchObject({ name: 'node/mailbox', percentOfBusy: 50 })
  })
})
