/**
 * Hostile peers on the stream protocols, against real nodes and a real relay on loopback:
 * an attacker sends endless 0xff length prefixes on the DM, directory and DHT protocols (a
 * fresh stream each time the last is reset), or opens a flood of streams at once. Each
 * stream must be reset at once, the target's heap must stay where it was while the attacker
 * pushes tens of MiB, and an honest message or username lookup must still succeed within 2 s
 * during the attack.
 */
import v8 from 'node:v8'
import vm from 'node:vm'
import type { Libp2p, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TokenimNode } from '../../node/index.ts'
import { encodeFramePrefix } from '../../protocol/framing.ts'
import { DHT_PROTOCOL, DIRECTORY_PROTOCOL, DM_PROTOCOL } from '../../protocol/ids.ts'
import { DM_STREAM_LIMITS, FRAME_DEADLINE_MS } from '../../protocol/limits.ts'
import type { RelayNode } from '../../relay/index.ts'
import { type AttackReport, floodPrefixes } from '../helpers/hostile-peer.ts'
import {
  createNetwork,
  type Network,
  relayAddress,
  waitForRelay,
} from '../helpers/relay-network.ts'
import { streamClosed, waitForEvent, withTimeout } from '../helpers/wait.ts'
import { type DhtPeer, startDhtPeer } from './mailbox-network.ts'

v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc') as () => void

const MIB = 1024 * 1024
const HONEST_DEADLINE_MS = 2_000

let network: Network
let relay: RelayNode
let alice: TokenimNode
let bob: TokenimNode
let mallory: DhtPeer

beforeAll(async () => {
  network = createNetwork()
  relay = await network.relay()
  ;[alice, bob] = await Promise.all([0, 1].map(() => network.node([relayAddress(relay)])))
  await Promise.all([waitForRelay(alice, relay), waitForRelay(bob, relay)])
  await bob.directory.register('bob', { relay: relayAddress(relay) })
  // A session first: what is timed below is one message, not the first contact's lookups.
  await delivered(alice, await alice.messages.send(bob.peerId, 'hello bob'))
  mallory = await startDhtPeer({ dhtServer: false })
}, 60_000)

const cleanups: Array<() => Promise<void>> = []

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup()
  await mallory?.remove()
  await network?.close()
})

function delivered(node: TokenimNode, sent: { id: string }, timeoutMs = 30_000): Promise<unknown> {
  return waitForEvent<{ data: { id: string; state: string } }>(node, 'message:state', {
    timeoutMs,
    filter: (event) => event.data.id === sent.id && event.data.state === 'delivered',
  })
}

function heapAfterGc(): number {
  gc()
  return process.memoryUsage().heapUsed
}

/**
 * Connects `host` to `target`. The last attack's redials used up what the target accepts
 * from one address in a second (`inboundConnectionThreshold`; every test peer is on
 * 127.0.0.1), so the target may reset the first dials: they are made again, as the
 * attacker's own are, until one is accepted or `withinMs` has passed.
 */
async function dialAgain(host: Libp2p, target: Libp2p, withinMs = 5_000): Promise<void> {
  const giveUpAt = performance.now() + withinMs
  for (;;) {
    try {
      await host.dial(target.getMultiaddrs())
      return
    } catch (err) {
      if (performance.now() > giveUpAt) throw err
      await host.hangUp(target.peerId).catch(() => undefined)
    }
  }
}

/**
 * Runs the attack on `protocol` against `targetHost`: once it has pushed 8 MiB, times the
 * honest request while it goes on; once it has pushed 24 MiB, weighs the heap (after a full
 * GC, the attacker still connected) against the heap before it started.
 */
async function underAttack<T>(
  targetHost: Libp2p,
  protocol: string,
  honest: () => Promise<T>,
): Promise<{ report: AttackReport; honestMs: number; heapGrowth: number; result: T }> {
  const target = targetHost.peerId
  await dialAgain(mallory.host, targetHost)
  const heapBefore = heapAfterGc()
  const milestones = [8 * MIB, 24 * MIB].map((bytes) => ({
    bytes,
    ...Promise.withResolvers<void>(),
  }))
  const stopped = Promise.withResolvers<void>()
  const attack = floodPrefixes(mallory.host, target, protocol, stopped.promise, (report) => {
    for (const milestone of milestones) if (report.pushed >= milestone.bytes) milestone.resolve()
  })
  const reached = (i: number) =>
    withTimeout(Promise.race([milestones[i].promise, attack]), 30_000, `${milestones[i].bytes} B`)
  try {
    await reached(0)
    const started = performance.now()
    const result = await withTimeout(honest(), 10_000, 'the honest request')
    const honestMs = performance.now() - started
    await reached(1)
    const heapGrowth = heapAfterGc() - heapBefore
    stopped.resolve()
    return { report: await attack, honestMs, heapGrowth, result }
  } finally {
    stopped.resolve()
  }
}

function expectContained(outcome: Awaited<ReturnType<typeof underAttack>>): void {
  // Past a few violations the target closed the attacker's connection; it dialled again.
  expect(outcome.report.connections).toBeGreaterThan(1)
  expect(outcome.report.pushed).toBeGreaterThanOrEqual(24 * MIB)
  expect(outcome.report.slowestResetMs).toBeLessThan(2_000)
  expect(outcome.honestMs).toBeLessThan(HONEST_DEADLINE_MS)
  expect(outcome.heapGrowth).toBeLessThan(8 * MIB)
}

describe('endless 0xff length prefixes', () => {
  it('on the DM protocol: each stream reset at once, bob keeps his memory and his messages', async () => {
    const outcome = await underAttack(bob.host, DM_PROTOCOL, async () => {
      const sent = await alice.messages.send(bob.peerId, 'during the attack')
      await delivered(alice, sent, HONEST_DEADLINE_MS * 2)
    })
    expectContained(outcome)
  })

  it('on the relay directory: lookups still answer', async () => {
    const outcome = await underAttack(relay.host, DIRECTORY_PROTOCOL, () =>
      alice.directory.lookup('bob'),
    )
    expect(outcome.result).toMatchObject({ peerId: bob.peerId })
    expectContained(outcome)
  })

  it("on the relay's DHT: lookups still answer", async () => {
    const outcome = await underAttack(relay.host, DHT_PROTOCOL, () => alice.directory.lookup('bob'))
    expect(outcome.result).toMatchObject({ peerId: bob.peerId })
    expectContained(outcome)
    // The operator sees it.
    const metrics = await (await fetch(relay.status().metricsUrl!)).text()
    expect(metrics).toMatch(
      /tokenim_streams_framing_violations_total\{protocol="\/tokenim\/kad\/1\.0\.0"\} [1-9]/,
    )
    expect(metrics).toMatch(/tokenim_streams_peers_disconnected_total [1-9]/)
  })

  it("from a DHT server answering a node's query: the node resets the stream", async () => {
    const hostile = await startDhtPeer({ dhtServer: false })
    try {
      await hostile.host.handle(DHT_PROTOCOL, (stream: Stream) => {
        const chunk = new Uint8Array(64 * 1024).fill(0xff)
        for (let i = 0; i < 64 && stream.status === 'open'; i++) stream.send(chunk)
      })
      const stream = await alice.host.dialProtocol(hostile.host.getMultiaddrs()[0], DHT_PROTOCOL)
      // kad-dht's own reader (lpStream, no limit) behind the guard.
      const read = lpStream(stream).read()
      stream.send(new Uint8Array([1, 0]))
      await expect(withTimeout(read, 5_000, 'the guard')).rejects.toMatchObject({
        name: 'OversizedFrameError',
      })
      expect(stream.status).toBe('aborted')
    } finally {
      await hostile.remove()
    }
  })
})

describe('a frame that stalls half-sent (slowloris)', () => {
  it(`is reset ${FRAME_DEADLINE_MS / 1000} s after it began; honest messages flow meanwhile`, async () => {
    const slow = await startDhtPeer({ dhtServer: false })
    cleanups.push(() => slow.remove())
    const connection = await slow.host.dial(bob.host.getMultiaddrs())
    const stream = await connection.newStream(DM_PROTOCOL)
    const began = performance.now()
    stream.send(Buffer.concat([encodeFramePrefix(1_000), new Uint8Array(10)]))
    const sent = await alice.messages.send(bob.peerId, 'while a frame stalls')
    await delivered(alice, sent, HONEST_DEADLINE_MS)
    await streamClosed(stream, FRAME_DEADLINE_MS + 5_000)
    expect(stream.status).toBe('reset')
    expect(performance.now() - began).toBeGreaterThanOrEqual(FRAME_DEADLINE_MS - 500)
  }, 30_000)
})

describe("libp2p's own framed protocols", () => {
  for (const [who, protocol] of [
    ['a node', '/ipfs/id/push/1.0.0'],
    ['the relay', '/libp2p/circuit/relay/0.2.0/hop'],
    ['the relay', '/libp2p/autonat/1.0.0'],
    ['a node', '/libp2p/dcutr'],
  ] as const) {
    it(`${who} resets a ${protocol} stream of endless 0xff`, async () => {
      const target = who === 'a node' ? bob.host : relay.host
      // An attacker of its own: the target may still be closing the last case's connection
      // to the attacker it penalised, and a stream opened on it would close, not reset.
      const attacker = await startDhtPeer({ dhtServer: false })
      cleanups.push(() => attacker.remove())
      const connection = await attacker.host.dial(target.getMultiaddrs())
      const stream = await connection.newStream(protocol)
      const started = performance.now()
      const chunk = new Uint8Array(64 * 1024).fill(0xff)
      try {
        for (let i = 0; i < 16 && stream.status === 'open'; i++) stream.send(chunk)
      } catch {
        // Reset under our feet.
      }
      await streamClosed(stream, 5_000)
      expect(stream.status).toBe('reset')
      // Before the guard DCUtR's own time-out reset it, 16 s later, its reader pinning the CPU.
      expect(performance.now() - started).toBeLessThan(2_000)
    })
  }
})

describe('stream floods', () => {
  it(`refuses DM streams from one peer beyond ${DM_STREAM_LIMITS.maxInboundStreams}`, async () => {
    // A fresh attacker: bob has closed mallory's connections for its framing by now.
    const flooder = await startDhtPeer({ dhtServer: false })
    cleanups.push(() => flooder.remove())
    const connection = await flooder.host.dial(bob.host.getMultiaddrs())
    const attempts = 4 * DM_STREAM_LIMITS.maxInboundStreams
    const streams = await Promise.all(
      Array.from({ length: attempts }, () =>
        connection.newStream(DM_PROTOCOL).catch(() => undefined),
      ),
    )
    const opened = streams.filter((s): s is Stream => s != null)
    const refused = attempts - DM_STREAM_LIMITS.maxInboundStreams
    let resets = attempts - opened.length
    await withTimeout(
      new Promise<void>((resolve) => {
        if (resets >= refused) resolve()
        for (const stream of opened) {
          const counted = () => {
            if (++resets >= refused) resolve()
          }
          if (stream.status !== 'open') counted()
          else stream.addEventListener('close', counted, { once: true })
        }
      }),
      10_000,
      'the refused streams',
    )
    expect(opened.filter((s) => s.status === 'open')).toHaveLength(
      DM_STREAM_LIMITS.maxInboundStreams,
    )
    for (const stream of opened) stream.abort(new Error('done'))
  })
})
