/**
 * TokenIM on networks like the ones people live on, in the NAT lab (sim/lab/nat-lab.ts):
 * a relay on a public address, alice and carol on one LAN behind a port-preserving NAT, bob
 * behind another port-preserving NAT, dave behind a symmetric one. Every node and the relay
 * are `tokenim` processes in their namespaces; a driver beside a node uses its local API
 * (bench/lab/node-driver.ts). Baselines: a plain libp2p host (bench/lab/raw-peer.ts: TCP,
 * noise, yamux) over the same path, through the same relay process for the NAT cases.
 *
 * - 1:1 message round trip, alice to bob (two homes, the TCP connection they punched), alice
 *   to dave (symmetric NAT, the relay's circuit) and alice to carol (the LAN, direct): API
 *   call to delivery receipt, one message at a time; against a raw stream echo of a
 *   message-sized payload through the relay to the same home, or on the LAN.
 * - Files: 20 MiB alice to bob (punched), alice to dave through the relay (circuit after
 *   circuit) and carol to alice on the LAN; against a raw stream pushing bytes. A raw stream
 *   through a circuit ends at the relay's data limit (1 MiB by default, frames included), so
 *   that baseline carries 900 KiB once.
 * - Direct QUIC: the raw echo and push over QUIC on the LAN, against the same over TCP; and
 *   the push to a receiver granting QUIC_LIMITS' windows, against one granting the QUIC
 *   package's own (15 MB per connection).
 * - Hole punching: bob restarted N times with the relay's QUIC address; how often alice's
 *   node reports him `direct` within a window, how soon after his start, and how soon after
 *   the relayed connection (the punch itself); against carol (the LAN) restarted the same
 *   way. Then QUIC punches between plain libp2p hosts in the two homes with their observed
 *   addresses confirmed by hand (bench/lab/quic-punch.ts), the most libp2p can do there over
 *   QUIC, and the routers' conntrack entries and counters of the first (0 expected:
 *   doc/networking.md says why).
 *
 * Needs root, iproute2 and iptables; without them it prints why and measures nothing.
 * TOKENIM_BENCH_LAB_MESSAGES (200), TOKENIM_BENCH_LAB_FILE_MIB (20),
 * TOKENIM_BENCH_LAB_PUNCHES (10), TOKENIM_BENCH_LAB_QUIC_PUNCHES (5) and
 * TOKENIM_BENCH_LAB_PUNCH_WINDOW_S (30) change the sizes.
 */
import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { LabHost, NatLab } from '../sim/lab/nat-lab.ts'
import { withTimeout } from '../test/helpers/wait.ts'
import {
  befriend,
  friendOf,
  type LabPerson,
  type LabRelay,
  tsScript,
} from '../test/lab/lab-people.ts'
import { inLabWorld } from './lab/lab-world.ts'
import {
  capturePacketKinds,
  natEvidence,
  type PunchAttempt,
  quicPunchAttempt,
} from './lab/quic-punch.ts'
import { type Benchmark, type BenchmarkFigure, percentile } from './measure.ts'

const MESSAGES = Number(process.env.TOKENIM_BENCH_LAB_MESSAGES ?? 200)
const WARM_UP = 10
/** About what one short text weighs on the wire, sealed and framed. */
const MESSAGE_BYTES = 256
const FILE_BYTES = Number(process.env.TOKENIM_BENCH_LAB_FILE_MIB ?? 20) * 1024 * 1024
/** What fits in one circuit under the relay's default 1 MiB data limit, with the framing. */
const CIRCUIT_BYTES = 900 * 1024
const PUNCHES = Number(process.env.TOKENIM_BENCH_LAB_PUNCHES ?? 10)
const QUIC_PUNCHES = Number(process.env.TOKENIM_BENCH_LAB_QUIC_PUNCHES ?? 5)
const PUNCH_WINDOW_MS = Number(process.env.TOKENIM_BENCH_LAB_PUNCH_WINDOW_S ?? 30) * 1000
const NODE_DRIVER = fileURLToPath(new URL('./lab/node-driver.ts', import.meta.url))
const RAW_PEER = fileURLToPath(new URL('./lab/raw-peer.ts', import.meta.url))
const MIB = 1024 * 1024

interface Lab {
  lab: NatLab
  dir: string
  relay: LabRelay
  alice: LabPerson
  bob: LabPerson
  carol: LabPerson
  dave: LabPerson
}

const benchmark: Benchmark = {
  name: 'lab-network',
  run: () =>
    inLabWorld(
      'lab-network',
      {
        publicHosts: ['relay'],
        homes: [
          { name: 'homea', nat: 'port-preserving', hosts: ['alice', 'carol'] },
          { name: 'homeb', nat: 'port-preserving', hosts: ['bob'] },
          { name: 'homec', nat: 'symmetric', hosts: ['dave'] },
        ],
      },
      async ({ lab, dir, relay, people: { alice, bob, carol, dave } }) => {
        for (const friend of [bob, carol, dave]) await befriend(alice, friend, friend.publicKey)
        for (const friend of [bob, carol]) {
          await until(async () => (await friendOf(alice, friend))?.reach.via === 'direct', 60_000)
        }
        const world: Lab = { lab, dir, relay, alice, bob, carol, dave }
        const figures: BenchmarkFigure[] = []
        for (const measure of [messageLatency, fileThroughput, holePunching]) {
          const measured = await measure(world)
          // Printed as they come: a long run that fails late still leaves its figures.
          for (const f of measured) {
            console.error(
              `  ${f.name}: ${f.value} ${f.unit} (${f.baseline.name}: ${f.baseline.value})`,
            )
          }
          figures.push(...measured)
        }
        return figures
      },
    ),
}

export default benchmark

async function messageLatency({
  lab,
  relay,
  alice,
  bob,
  carol,
  dave,
}: Lab): Promise<BenchmarkFigure[]> {
  const figures: BenchmarkFigure[] = []
  const paths = [
    { what: 'alice to bob, two port-preserving NATs, punched TCP', to: bob, viaRelay: true },
    { what: "alice to dave, symmetric NAT, the relay's circuit", to: dave, viaRelay: true },
    { what: 'alice to carol, one LAN, direct', to: carol, viaRelay: false },
  ]
  for (const { what, to, viaRelay } of paths) {
    await driver(alice, ['messages', alice.dataDir, to.peerId, String(WARM_UP)])
    const { latenciesMs } = await driver<{ latenciesMs: number[] }>(alice, [
      'messages',
      alice.dataDir,
      to.peerId,
      String(MESSAGES),
    ])
    const raw = await rawPeer(lab.host(to.name), viaRelay ? relay.address : undefined)
    try {
      const target = viaRelay
        ? `${relay.address}/p2p-circuit/p2p/${raw.peerId}`
        : rawAddress(lab.host(to.name), raw, 'tcp')
      const echo = await runJson<{ latenciesMs: number[] }>(
        alice.host,
        tsScript(RAW_PEER, ['echo', target, String(MESSAGES + WARM_UP), String(MESSAGE_BYTES)]),
      )
      const rawLatencies = echo.latenciesMs.slice(WARM_UP)
      if (!viaRelay)
        figures.push(...(await quicEcho(alice.host, lab.host(to.name), raw, rawLatencies)))
      for (const p of [50, 99]) {
        figures.push({
          name: `1:1 message round trip p${p}, ${what} (send to receipt, ${MESSAGES} one at a time)`,
          value: percentile(latenciesMs, p),
          unit: 'ms',
          baseline: {
            name: `raw libp2p stream echo p${p}, ${MESSAGE_BYTES} B, ${viaRelay ? "through the relay's circuit to the same home" : 'same path'}`,
            value: percentile(rawLatencies, p),
          },
        })
      }
    } finally {
      raw.child.kill('SIGTERM')
    }
  }
  return figures
}

async function fileThroughput({
  dir,
  relay,
  alice,
  bob,
  carol,
  dave,
}: Lab): Promise<BenchmarkFigure[]> {
  const mib = FILE_BYTES / MIB
  // A file of its own for each transfer: a receiver that holds the bytes already has nothing to fetch.
  const sendFile = async (from: LabPerson, to: LabPerson) => {
    const path = join(dir, `${from.name}-to-${to.name}.bin`)
    await writeFile(path, randomBytes(FILE_BYTES))
    return (await driver<{ ms: number }>(from, ['send-file', from.dataDir, to.peerId, path])).ms
  }

  const punchedMs = await sendFile(alice, bob)
  const relayedMs = await sendFile(alice, dave)
  const rawDave = await rawPeer(dave.host, relay.address)
  const rawRelayedMs = await rawPush(
    alice.host,
    `${relay.address}/p2p-circuit/p2p/${rawDave.peerId}`,
    CIRCUIT_BYTES,
  ).finally(() => rawDave.child.kill('SIGTERM'))

  const lanMs = await sendFile(carol, alice)
  const rawAlice = await rawPeer(alice.host)
  // The same receiver with the QUIC package's own windows (15 MB per connection): the
  // throughput QUIC_LIMITS' 1 MiB window gives up, if any.
  const rawAliceWide = await rawPeer(alice.host, undefined, { RAW_QUIC_WINDOW: 'default' })
  const rawLan = async () => {
    try {
      return [
        await rawPush(carol.host, rawAddress(alice.host, rawAlice, 'tcp'), FILE_BYTES),
        await rawPush(carol.host, rawAddress(alice.host, rawAlice, 'quic'), FILE_BYTES),
        await rawPush(carol.host, rawAddress(alice.host, rawAliceWide, 'quic'), FILE_BYTES),
      ]
    } finally {
      rawAlice.child.kill('SIGTERM')
      rawAliceWide.child.kill('SIGTERM')
    }
  }
  const [rawLanMs, rawQuicLanMs, rawWideQuicLanMs] = await rawLan()

  const rate = (bytes: number, ms: number) => bytes / MIB / (ms / 1000)
  const rawCircuit = {
    name: `raw libp2p stream through the relay's circuit, ${CIRCUIT_BYTES / 1024} KiB (one circuit's data limit)`,
    value: rate(CIRCUIT_BYTES, rawRelayedMs),
  }
  return [
    {
      name: `file ${mib} MiB alice to bob, two port-preserving NATs, punched TCP (offer to verified)`,
      value: rate(FILE_BYTES, punchedMs),
      unit: 'MiB/s',
      baseline: { ...rawCircuit, name: `${rawCircuit.name}, alice to dave` },
    },
    {
      name: `file ${mib} MiB alice to dave through the relay, circuit after circuit (offer to verified)`,
      value: rate(FILE_BYTES, relayedMs),
      unit: 'MiB/s',
      baseline: rawCircuit,
    },
    {
      name: `file ${mib} MiB carol to alice on the LAN, direct (offer to verified)`,
      value: rate(FILE_BYTES, lanMs),
      unit: 'MiB/s',
      baseline: {
        name: `raw libp2p stream, same ${mib} MiB in 64 KiB frames, same path`,
        value: rate(FILE_BYTES, rawLanMs),
      },
    },
    {
      name: `raw libp2p stream over QUIC, ${mib} MiB carol to alice on the LAN, direct`,
      value: rate(FILE_BYTES, rawQuicLanMs),
      unit: 'MiB/s',
      baseline: { name: 'the same over TCP (noise, yamux)', value: rate(FILE_BYTES, rawLanMs) },
    },
    {
      name: `raw libp2p stream over QUIC with QUIC_LIMITS (1 MiB per connection, 512 KiB per stream), ${mib} MiB on the LAN`,
      value: rate(FILE_BYTES, rawQuicLanMs),
      unit: 'MiB/s',
      baseline: {
        name: "the same with the QUIC package's windows (15 MB per connection, 10 MB per stream)",
        value: rate(FILE_BYTES, rawWideQuicLanMs),
      },
    },
  ]
}

/** The raw echo on the LAN over QUIC, p50 and p99, beside the same over TCP (`tcpMs`). */
async function quicEcho(
  from: LabHost,
  to: LabHost,
  raw: RawPeer,
  tcpMs: number[],
): Promise<BenchmarkFigure[]> {
  const echo = await runJson<{ latenciesMs: number[] }>(
    from,
    tsScript(RAW_PEER, [
      'echo',
      rawAddress(to, raw, 'quic'),
      String(MESSAGES + WARM_UP),
      String(MESSAGE_BYTES),
    ]),
  )
  const quicMs = echo.latenciesMs.slice(WARM_UP)
  return [50, 99].map((p) => ({
    name: `raw libp2p stream echo p${p} over QUIC, ${MESSAGE_BYTES} B, alice to carol on the LAN`,
    value: percentile(quicMs, p),
    unit: 'ms',
    baseline: { name: `the same over TCP (noise, yamux) p${p}`, value: percentile(tcpMs, p) },
  }))
}

interface Restarts {
  /** Restarts after which alice's node reported `other` direct within the window. */
  direct: number
  /** From `tokenim start` for `other` to direct, each time it came. */
  msToDirect: number[]
  /** From `tokenim start` to the relayed connection (alice reported it), when one came first. */
  msToRelayed: number[]
  /** From the relayed connection to direct: the punch itself. */
  msRelayedToDirect: number[]
  /** How alice's friend list said `other` was reached at each window's end. */
  seenVia: Set<string>
}

/**
 * Restarts `other` PUNCHES times; each time, follows alice's `friend:reach` events for it
 * until one says `direct` or the window closes.
 */
async function directAfterRestarts(
  { alice }: Lab,
  other: LabPerson,
  relay: string,
): Promise<Restarts> {
  const result: Restarts = {
    direct: 0,
    msToDirect: [],
    msToRelayed: [],
    msRelayedToDirect: [],
    seenVia: new Set(),
  }
  const reached = (via: string) =>
    alice
      .next(
        'friend:reach',
        (r) => r.peerId === other.peerId && r.reach.via === via,
        PUNCH_WINDOW_MS + 60_000,
      )
      .then(
        () => performance.now(),
        () => undefined,
      )
  for (let attempt = 0; attempt < PUNCHES; attempt++) {
    await stopOrKill(other)
    const relayed = reached('relay')
    const direct = reached('direct')
    const started = performance.now()
    await other.start([relay])
    const directAt = await Promise.race([
      direct,
      new Promise<undefined>((resolve) => setTimeout(resolve, PUNCH_WINDOW_MS)),
    ])
    result.seenVia.add((await friendOf(alice, other))?.reach.via ?? 'not a friend')
    if (directAt == null) continue
    result.direct++
    result.msToDirect.push(directAt - started)
    const relayedAt = await Promise.race([relayed, Promise.resolve(undefined)])
    if (relayedAt != null && relayedAt <= directAt) {
      result.msToRelayed.push(relayedAt - started)
      result.msRelayedToDirect.push(directAt - relayedAt)
    }
  }
  return result
}

async function holePunching(world: Lab): Promise<BenchmarkFigure[]> {
  const homes = await directAfterRestarts(world, world.bob, world.relay.quicAddress!)
  const lan = await directAfterRestarts(world, world.carol, world.relay.address)
  const ms = (values: number[]) => values.map(Math.round).join(', ')
  console.error(
    `lab-network: hole punching: bob seen as ${[...homes.seenVia].join(', ')}; ` +
      `carol seen as ${[...lan.seenVia].join(', ')}; bob from start to direct (ms): ` +
      `${ms(homes.msToDirect)}; from relayed to direct: ${ms(homes.msRelayedToDirect)}; ` +
      `carol from start to direct: ${ms(lan.msToDirect)}`,
  )
  const window = `${PUNCH_WINDOW_MS / 1000} s`
  return [
    {
      name: `hole punching (TCP): restarts of bob (other home, port-preserving NATs, relay over QUIC) seen direct within ${window}`,
      value: homes.direct,
      unit: `of ${PUNCHES}`,
      baseline: { name: 'restarts of carol (same LAN) seen direct', value: lan.direct },
    },
    {
      name: 'hole punching: median time from `tokenim start` to direct, bob (other home)',
      value: median(homes.msToDirect) / 1000,
      unit: 's',
      baseline: { name: 'the same for carol (same LAN)', value: median(lan.msToDirect) / 1000 },
    },
    {
      name: 'hole punching: median time from the relayed connection to direct (the punch), bob',
      value: median(homes.msRelayedToDirect),
      unit: 'ms',
      baseline: {
        name: 'median time from `tokenim start` to the relayed connection, bob',
        value: median(homes.msToRelayed),
      },
    },
    ...(await rawQuicPunches(world)),
  ]
}

/**
 * QUIC_PUNCHES QUIC punches between plain libp2p hosts at alice's and bob's, each within the
 * punch window; the routers' view of the first is printed, the evidence of where it stopped.
 */
async function rawQuicPunches({ lab, relay }: Lab): Promise<BenchmarkFigure[]> {
  const attempts: PunchAttempt[] = []
  const [alice, bob] = [lab.host('alice'), lab.host('bob')]
  const wans = ['homea', 'homeb'].map((home) => lab.routers.get(home)!.address)
  for (let attempt = 0; attempt < QUIC_PUNCHES; attempt++) {
    // The first attempt's packets, as they reach each host, are counted by kind.
    const packets =
      attempt === 0 ? capturePacketKinds([alice, bob], wans, PUNCH_WINDOW_MS / 1000 + 20) : null
    attempts.push(await quicPunchAttempt(alice, bob, relay.quicAddress!, PUNCH_WINDOW_MS))
    if (packets != null) {
      const first = attempts[0]
      console.error(
        `lab-network: raw QUIC punch 1: direct ${first.direct}, alice observed as ${first.observed}, ` +
          `bob as ${first.targetObserved}\n${first.dcutr.join('\n')}\n` +
          `${await natEvidence(lab, ['homea', 'homeb'], ['alice', 'bob'])}\n${await packets}`,
      )
    }
  }
  const direct = attempts.filter((attempt) => attempt.direct)
  const failed = attempts.filter((attempt) => attempt.error != null)
  if (failed.length > 0) {
    console.error(`lab-network: raw QUIC punches not made: ${failed.map((a) => a.error)}`)
  }
  return [
    {
      name: `QUIC hole punch, plain libp2p (observed addresses confirmed by hand), alice and bob direct within ${PUNCH_WINDOW_MS / 1000} s`,
      value: direct.length,
      unit: `of ${QUIC_PUNCHES}`,
      baseline: { name: 'attempts made through the relay', value: attempts.length - failed.length },
    },
  ]
}

/** `tokenim stop`; a node that does not stop in time is killed, and said so. */
async function stopOrKill(person: LabPerson): Promise<void> {
  const child = person.child
  await person.stop().catch(async (err: Error) => {
    console.error(`lab-network: ${person.name} did not stop (${err.message}); killing it`)
    if (child == null || child.exitCode != null || child.signalCode != null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGKILL')
    await exited
  })
}

function median(values: number[]): number {
  return percentile(values, 50)
}

/** Runs the node driver beside `person`'s node, returning its JSON answer. */
function driver<T>(person: LabPerson, args: string[]): Promise<T> {
  return runJson<T>(person.host, tsScript(NODE_DRIVER, args))
}

async function runJson<T>(host: LabHost, argv: string[]): Promise<T> {
  const result = await host.exec(argv, {}, 600_000)
  if (result.code !== 0) {
    throw new Error(
      `${host.name}: ${argv.slice(-4).join(' ')} exited ${result.code}: ${result.stderr}`,
    )
  }
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as T
}

async function rawPush(host: LabHost, target: string, bytes: number): Promise<number> {
  return (await runJson<{ ms: number }>(host, tsScript(RAW_PEER, ['push', target, String(bytes)])))
    .ms
}

interface RawPeer {
  peerId: string
  /** The TCP and the UDP (QUIC) port it listens on. */
  port: string
  quicPort: string
  child: ChildProcess
}

/** The raw peer's direct address at `host`, over TCP or QUIC. */
function rawAddress(host: LabHost, raw: RawPeer, over: 'tcp' | 'quic'): string {
  const transport = over === 'tcp' ? `tcp/${raw.port}` : `udp/${raw.quicPort}/quic-v1`
  return `/ip4/${host.address}/${transport}/p2p/${raw.peerId}`
}

/** A raw libp2p host serving echo and sink at `host` (with a circuit on `relay`, if given). */
async function rawPeer(
  host: LabHost,
  relay?: string,
  env: Record<string, string> = {},
): Promise<RawPeer> {
  const child = host.spawn(tsScript(RAW_PEER, ['serve', ...(relay ? [relay] : [])]), env)
  let output = ''
  const ready = new Promise<{ peerId: string; addresses: string[] }>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes('\n')) resolve(JSON.parse(output.split('\n')[0]))
    })
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.once('exit', (code) => reject(new Error(`raw peer exited ${code}: ${output}`)))
  })
  const { peerId, addresses } = await withTimeout(ready, 60_000, `raw peer on ${host.name}`)
  const port = addresses
    .find((address) => address.startsWith(`/ip4/${host.address}/tcp/`))
    ?.split('/')[4]
  const quicPort = addresses
    .find((address) => address.startsWith(`/ip4/${host.address}/udp/`))
    ?.split('/')[4]
  if (port == null || quicPort == null) {
    throw new Error(`raw peer on ${host.name} listens on none of ${addresses}`)
  }
  return { peerId, port, quicPort, child }
}

async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`not within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}
