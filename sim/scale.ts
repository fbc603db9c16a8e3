/**
 * How far one machine goes: for each N given, N full TokenIM nodes (plus two relays), then
 * the same number of bare libp2p hosts with the same stack, joined to relays the same way
 * (the baseline, unless --no-baseline), each measured by sim/scale-run.ts: start-up time,
 * memory per node, idle CPU (per shard), one round of 1:1 messages between random pairs, and
 * a round of room messages in rooms of the sizes given. Timers are the product's defaults
 * (not the short ones of scenarios), writes unsynced. Results go to stdout as tables (each
 * TokenIM row beside its baseline) and to sim-results/scale-<time>.json.
 *
 *   npm run sim:scale                          # N = 100, 250, 500 in this process
 *   npm run sim:scale -- 500 1000              # the Ns to try, in order
 *   npm run sim:scale -- --shards 2 500 1000   # nodes in 2 shard processes (loopback TCP)
 *   npm run sim:scale -- --concurrency 24 500  # nodes each process starts at once (16)
 *   npm run sim:scale -- --profile 15 500      # and a 15 s CPU profile of each process at idle
 *   npm run sim:scale -- --relay-processes --shards 2 1000   # each relay in a process of its own
 *   npm run sim:scale -- --rooms 10,50 --room-messages 10 250  # room sizes (0: none), posts per room
 *   npm run sim:scale -- --no-baseline 500     # TokenIM nodes only (--baseline: the default)
 *
 * With --relay-processes the relays' memory is in their own processes, outside the per-node
 * figures (which then count nodes only).
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { printProfileSummary } from './cpu-profile.ts'
import type { HostKind } from './host-pool.ts'
import { comparisonTable, measureScale, ratioLine, roomTable, type ScaleRow } from './scale-run.ts'

const { values: options, positionals } = parseArgs({
  options: {
    shards: { type: 'string', default: '1' },
    /** Nodes each process starts at once. */
    concurrency: { type: 'string', default: '16' },
    /** After the idle measurement, profile every process for this many seconds (0: not). */
    profile: { type: 'string', default: '0' },
    'relay-processes': { type: 'boolean', default: false },
    /** Members of each room of the room round, comma-separated; 0 for no room round. */
    rooms: { type: 'string', default: '10,50' },
    /** Messages posted in each room, each by a random member. */
    'room-messages': { type: 'string', default: '10' },
    /** Bare libp2p hosts measured beside each size; --no-baseline skips them. */
    baseline: { type: 'boolean', default: true },
  },
  allowPositionals: true,
  allowNegative: true,
})
const sizes = positionals.map(Number).filter((n) => n > 0)
const plan = sizes.length > 0 ? sizes : [100, 250, 500]
const kinds: HostKind[] = options.baseline ? ['tokenim', 'bare'] : ['tokenim']

const rows: ScaleRow[] = []
for (const nodes of plan) {
  const sizeRows: ScaleRow[] = []
  for (const hosts of kinds) {
    const row = await measureScale({
      hosts,
      nodes,
      shards: Number(options.shards),
      relayProcesses: options['relay-processes'],
      concurrency: Number(options.concurrency),
      idleMs: 10_000,
      profileMs: Number(options.profile) * 1_000,
      messages: 200,
      roomSizes: options.rooms
        .split(',')
        .map(Number)
        .filter((n) => n > 1),
      roomMessages: Number(options['room-messages']),
      roomTimeoutMs: 120_000,
      onProgress: (line) => process.stderr.write(`${line}\n`),
    })
    for (const profile of row.profiles ?? []) {
      console.log(`\n${nodes} ${hosts}, ${profile.process}:`)
      printProfileSummary(profile, 8)
    }
    sizeRows.push(row)
    if (row.error != null) break
  }
  rows.push(...sizeRows)
  console.table(sizeRows.map(({ profiles: _, rooms: __, ...shown }) => shown))
  console.table(comparisonTable(sizeRows))
  console.table(roomTable(sizeRows))
  const [tokenim, bare] = sizeRows
  if (bare != null) console.log(ratioLine(tokenim, bare))
  if (sizeRows.some((row) => row.error != null)) break
}
console.log('\nAll sizes, each TokenIM row beside its bare libp2p baseline:')
console.table(comparisonTable(rows))
console.table(roomTable(rows))

await mkdir('sim-results', { recursive: true })
const path = `sim-results/scale-${new Date().toISOString().replace(/[:.]/g, '-')}.json`
await writeFile(path, `${JSON.stringify({ node: process.version, rows }, null, 2)}\n`)
process.stderr.write(`written ${path}\n`)
