/**
 * Room message delivery between homes behind NAT, in the NAT lab (sim/lab/nat-lab.ts): a
 * relay on a public address, alice, bob and dave each behind their own NAT (dave's
 * symmetric). Every node and the relay are `tokenim` processes in their namespaces; drivers
 * beside the nodes use their local API (bench/lab/node-driver.ts).
 *
 * - Rooms: alice sends COUNT room messages INTERVAL_MS apart to a room bob and dave joined;
 *   each is timed from alice's API call to the `room:message` event at bob's and dave's API
 *   (one clock: the lab's processes share the machine's). Baseline: plain libp2p hosts with
 *   gossipsub (bench/lab/raw-peer.ts) at the same three places, publishing the same way to
 *   each other through the same relay's circuits.
 * - 1:1 through the relay: alice sends dave COUNT texts the same way, timed from the API call
 *   to dave's `message:received`, beside the same raw gossipsub baseline. (alice and bob,
 *   both behind port-preserving NATs, punch a direct connection once they meet: room
 *   messages to bob take it; doc/networking.md, "Hole punching".)
 *
 * Needs root, iproute2 and iptables; without them it prints why and measures nothing.
 * TOKENIM_BENCH_LAB_ROOM_MESSAGES (100) and TOKENIM_BENCH_LAB_ROOM_INTERVAL_MS (100) change
 * the load.
 */
import type { ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { LabHost, NatLab } from '../sim/lab/nat-lab.ts'
import { withTimeout } from '../test/helpers/wait.ts'
import { befriend, type LabPerson, type LabRelay, tsScript } from '../test/lab/lab-people.ts'
import { inLabWorld } from './lab/lab-world.ts'
import { type Benchmark, percentile } from './measure.ts'

const COUNT = Number(process.env.TOKENIM_BENCH_LAB_ROOM_MESSAGES ?? 100)
const INTERVAL_MS = Number(process.env.TOKENIM_BENCH_LAB_ROOM_INTERVAL_MS ?? 100)
/** How long after the last send the receivers may still report. */
const SETTLE_MS = 30_000
const NODE_DRIVER = fileURLToPath(new URL('./lab/node-driver.ts', import.meta.url))
const RAW_PEER = fileURLToPath(new URL('./lab/raw-peer.ts', import.meta.url))
const TOPIC = 'tokenim-bench-lab-rooms'

const benchmark: Benchmark = {
  name: 'lab-rooms',
  run: () =>
    inLabWorld(
      'lab-rooms',
      {
        publicHosts: ['relay'],
        homes: [
          { name: 'homea', nat: 'port-preserving', hosts: ['alice'] },
          { name: 'homeb', nat: 'port-preserving', hosts: ['bob'] },
          { name: 'homec', nat: 'symmetric', hosts: ['dave'] },
        ],
      },
      async ({ lab, relay, people: { alice, bob, dave } }) => {
        await befriend(alice, dave, dave.publicKey)
        const roomId = await roomOf(alice, [bob, dave])
        const room = await delivery(alice, `room:${roomId}`, [bob, dave], 'paced-room')
        const direct = await delivery(alice, dave.peerId, [dave], 'paced-dm')
        const raw = await rawGossip(lab, relay)
        const spread = (what: string, ms: number[], expected: number) =>
          console.error(
            `lab-rooms: ${what}: ${ms.length} of ${expected} delivered, p50 ${percentile(ms, 50).toFixed(1)} ms, p95 ${percentile(ms, 95).toFixed(1)} ms, max ${Math.max(...ms).toFixed(1)} ms`,
          )
        spread('room', room, 2 * COUNT)
        spread('1:1', direct, COUNT)
        spread('raw gossipsub', raw, 2 * COUNT)
        const load = `${COUNT} messages ${INTERVAL_MS} ms apart`
        const rawName = (p: number) =>
          `raw libp2p gossipsub p${p}, same three homes, through the same relay's circuits`
        return [50, 95].flatMap((p) => [
          {
            name: `room message p${p}, alice to bob and dave (three NATs, one symmetric), API call to their room:message (${load})`,
            value: percentile(room, p),
            unit: 'ms',
            baseline: { name: rawName(p), value: percentile(raw, p) },
          },
          {
            name: `1:1 text p${p}, alice to dave (symmetric NAT) through the relay, API call to his message:received (${load})`,
            value: percentile(direct, p),
            unit: 'ms',
            baseline: { name: rawName(p), value: percentile(raw, p) },
          },
        ])
      },
    ),
}

export default benchmark

/** alice creates a room, `members` join it by invite; resolves once a first message reaches all. */
async function roomOf(alice: LabPerson, members: LabPerson[]): Promise<string> {
  const created = await alice.cli(['rooms', 'create', 'bench room'])
  const [, roomId, invite] =
    /^created room "bench room" ([0-9a-f]{64})\ninvite: (\S+)\n$/.exec(created) ?? []
  if (roomId == null) throw new Error(`unexpected answer to rooms create: ${created}`)
  for (const member of members) await member.cli(['rooms', 'join', invite])
  const heard = members.map((member) =>
    member.next('room:message', (m) => m.roomId === roomId && m.text === 'warm-up', 120_000),
  )
  await alice.cli(['send', '--room', roomId, 'warm-up'])
  await Promise.all(heard)
  return roomId
}

/**
 * alice's driver sends COUNT texts to `target` (a room or a peer); listeners beside each of
 * `receivers` report when each `tag` text arrives. Returns every delivery's latency.
 */
async function delivery(
  alice: LabPerson,
  target: string,
  receivers: LabPerson[],
  tag: string,
): Promise<number[]> {
  const listeners = await Promise.all(
    receivers.map((person) =>
      jsonLines(person.host, tsScript(NODE_DRIVER, ['listen', person.dataDir]), 'ready'),
    ),
  )
  try {
    await runDriver(alice, ['paced', alice.dataDir, target, String(COUNT), String(INTERVAL_MS)])
    return await latencies(listeners, tag, receivers.length * COUNT)
  } finally {
    for (const listener of listeners) listener.child.kill('SIGTERM')
  }
}

/** The same pattern with plain gossipsub hosts at alice's, bob's and dave's. */
async function rawGossip(lab: NatLab, relay: LabRelay): Promise<number[]> {
  const receivers = await Promise.all(
    ['bob', 'dave'].map((name) =>
      jsonLines(
        lab.host(name),
        tsScript(RAW_PEER, ['gossip-serve', relay.address, TOPIC]),
        'peerId',
      ),
    ),
  )
  try {
    const targets = receivers.map(
      (receiver) => `${relay.address}/p2p-circuit/p2p/${receiver.first.peerId}`,
    )
    const sender = lab
      .host('alice')
      .exec(
        tsScript(RAW_PEER, ['gossip-send', TOPIC, String(COUNT), String(INTERVAL_MS), ...targets]),
        {},
        600_000,
      )
    const result = await sender
    if (result.code !== 0)
      throw new Error(`raw gossip sender exited ${result.code}: ${result.stderr}`)
    return await latencies(receivers, '', receivers.length * COUNT)
  } finally {
    for (const receiver of receivers) receiver.child.kill('SIGTERM')
  }
}

interface JsonLines {
  child: ChildProcess
  /** The first line, which has the key waited for. */
  first: Record<string, string>
  /** Every line after the first, as it comes. */
  lines: Array<{ at: number; text: string }>
  onLine: Set<() => void>
}

/** Starts `argv` at `host` and collects its JSON lines; resolves once one has `key`. */
async function jsonLines(host: LabHost, argv: string[], key: string): Promise<JsonLines> {
  const child = host.spawn(argv)
  const collected: JsonLines = { child, first: {}, lines: [], onLine: new Set() }
  let buffered = ''
  let output = ''
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString()
      for (let newline = buffered.indexOf('\n'); newline >= 0; newline = buffered.indexOf('\n')) {
        const line = JSON.parse(buffered.slice(0, newline))
        buffered = buffered.slice(newline + 1)
        if (key in line && Object.keys(collected.first).length === 0) {
          collected.first = line
          resolve()
        } else {
          collected.lines.push(line)
          for (const check of collected.onLine) check()
        }
      }
    })
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.once('exit', (code) => reject(new Error(`${argv.at(-2)} exited ${code}: ${output}`)))
  })
  await withTimeout(ready, 60_000, `${argv.slice(-3).join(' ')} on ${host.name}`)
  return collected
}

/**
 * Waits until `expected` lines starting with `tag` arrived (or SETTLE_MS passed without all),
 * and returns each one's arrival minus the send time its text carries.
 */
async function latencies(from: JsonLines[], tag: string, expected: number): Promise<number[]> {
  const matching = () =>
    from.flatMap(({ lines }) => lines.filter((line) => line.text.startsWith(tag)))
  let check = () => {}
  const all = new Promise<void>((resolve) => {
    check = () => {
      if (matching().length >= expected) resolve()
    }
    for (const source of from) source.onLine.add(check)
    check()
  })
  await withTimeout(all, SETTLE_MS, `${expected} ${tag || 'raw'} deliveries`).catch((err: Error) =>
    console.error(`lab-rooms: ${err.message}; counting what arrived`),
  )
  for (const source of from) source.onLine.delete(check)
  return matching().map((line) => line.at - Number(line.text.split(' ').at(-1)))
}

async function runDriver(person: LabPerson, args: string[]): Promise<void> {
  const result = await person.host.exec(tsScript(NODE_DRIVER, args), {}, 600_000)
  if (result.code !== 0) {
    throw new Error(
      `${person.name}: node-driver ${args[0]} exited ${result.code}: ${result.stderr}`,
    )
  }
}
