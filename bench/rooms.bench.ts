/**
 * Room fan-out: one member sends, every other member shows it (decrypted, checked, in
 * order), beside raw gossipsub publishing a payload of the same size on the same hosts, in
 * the same run. Rounds alternate room message and raw publish, each waiting until delivered
 * everywhere (or ROUND_TIMEOUT_MS), so both see the same mesh and the same machine load.
 *
 *   ROOM_BENCH_MEMBERS=100 npm run bench -- rooms
 *
 * ROOM_BENCH_MEMBERS defaults to 30: on a 2-core machine the set-up (every member handing
 * its sender key to every other, N*(N-1) sealed bundles) grows with the square of the room
 * and dominates the run; 30 members take one to two minutes end to end, 50 about four,
 * 100 far more. All members share one process, so the durable write each send() waits for
 * queues behind every other member's (see doc/rooms.md, Figures): the send() row shows it.
 */
import { randomBytes } from 'node:crypto'
import type { Message } from '@libp2p/gossipsub'
import { ed25519Sign, ed25519Verify, generateEd25519KeyPair } from '../protocol/crypto/index.ts'
import type { RoomMessageView } from '../protocol/local-api.ts'
import {
  buildMessage,
  createRoom,
  decryptMessage,
  openRoomEvent,
  ReceivedSenderKey,
  RoomLog,
  SenderKeyChain,
} from '../protocol/rooms/index.ts'
import {
  keysSettled,
  meshFormed,
  RoomNetwork,
  type RoomPeer,
  waitUntil,
} from '../test/integration/room-network.ts'
import { type Benchmark, type BenchmarkFigure, compareRates, percentile } from './measure.ts'

const MEMBERS = Number(process.env.ROOM_BENCH_MEMBERS ?? 30)
const ROUNDS = Number(process.env.ROOM_BENCH_ROUNDS ?? 30)
const ROUND_TIMEOUT_MS = 10_000
const RAW_TOPIC = '/tokenim-bench/raw/1.0.0'
const TEXT = 'x'.repeat(200)

interface RoundResult {
  latencies: number[]
  delivered: number
}

/**
 * Arrival times by message key (room event id, or raw payload in hex), recorded as they
 * happen, so a receipt that arrives before the sender's call returns is timed right.
 */
class Receipts {
  private readonly times = new Map<string, number[]>()
  private wake = () => {}

  record(key: string): void {
    const list = this.times.get(key) ?? []
    list.push(performance.now())
    this.times.set(key, list)
    this.wake()
  }

  /** Latencies from `start` of the receipts of `key`, once `expected` came or time ran out. */
  async await(key: string, expected: number, start: number): Promise<RoundResult> {
    const deadline = start + ROUND_TIMEOUT_MS
    while ((this.times.get(key)?.length ?? 0) < expected && performance.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - performance.now())
        this.wake = () => {
          clearTimeout(timer)
          resolve()
        }
      })
    }
    const latencies = (this.times.get(key) ?? []).map((at) => at - start)
    this.times.delete(key)
    return { latencies, delivered: latencies.length }
  }
}

function nextHeartbeat(peer: RoomPeer): Promise<void> {
  return new Promise((resolve) =>
    peer.host.services.pubsub.addEventListener('gossipsub:heartbeat', () => resolve(), {
      once: true,
    }),
  )
}

async function setUp(network: RoomNetwork): Promise<{ peers: RoomPeer[]; roomId: string }> {
  const peers: RoomPeer[] = []
  for (let i = 0; i < MEMBERS; i++)
    peers.push(await network.start({ init: { requestTimeoutMs: 30_000 } }))
  const [owner, ...joiners] = peers
  const { roomId, invite } = await owner.rooms.create('bench')
  for (const peer of joiners) await peer.rooms.join(invite)
  await waitUntil(peers, () => keysSettled(peers, roomId, MEMBERS), 'keys settled', 600_000)
  for (const peer of peers) peer.host.services.pubsub.subscribe(RAW_TOPIC)
  await waitUntil(peers, () => meshFormed(peers, roomId, 1), 'room mesh', 60_000)
  await waitUntil(
    peers,
    () => peers.every((p) => p.host.services.pubsub.getSubscribers(RAW_TOPIC).length >= 1),
    'raw mesh',
    60_000,
  )
  return { peers, roomId }
}

/**
 * What a member does with each room message it receives (open and verify the signed event,
 * decrypt it) beside the one Ed25519 verification gossipsub itself does per message. In the
 * fan-out figures every receiver runs in this one process, one after another.
 */
function receiveCost(): BenchmarkFigure {
  const author = generateEd25519KeyPair()
  const log = new RoomLog(createRoom(author, 'cost', false).genesis)
  const chain = SenderKeyChain.generate()
  const start = chain.state()
  const event = buildMessage(author, log, chain, TEXT)
  const signature = ed25519Sign(author.privateKey, event.bytes)
  const rates = compareRates(
    () => decryptMessage(openRoomEvent(event.bytes), new ReceivedSenderKey(start)),
    () => ed25519Verify(author.publicKey, event.bytes, signature),
  )
  return {
    name: 'receive one room message: open, verify, decrypt',
    value: rates.subject,
    unit: 'ops/s',
    baseline: { name: 'one Ed25519 verify (gossipsub signature check)', value: rates.baseline },
  }
}

const benchmark: Benchmark = {
  name: 'rooms',
  async run() {
    const network = new RoomNetwork()
    try {
      const { peers, roomId } = await setUp(network)
      const room: RoundResult = { latencies: [], delivered: 0 }
      const raw: RoundResult = { latencies: [], delivered: 0 }
      const receipts = new Receipts()
      for (const peer of peers) {
        peer.events.addEventListener('room:message', (evt) => {
          const message = (evt as CustomEvent<RoomMessageView>).detail
          if (!message.mine) receipts.record(message.id)
        })
        peer.host.services.pubsub.addEventListener('message', (evt: CustomEvent<Message>) => {
          const { topic, data } = evt.detail
          if (topic === RAW_TOPIC) receipts.record(Buffer.from(data).toString('hex'))
        })
      }
      // Warm-up: every member sends once, so that its first reservation of chain positions
      // and seqs (one write per 64 messages, see doc/rooms.md) is not in the figures.
      for (const peer of peers) await peer.rooms.send(roomId, 'warm-up')
      await waitUntil(
        peers,
        () => peers.every((p) => p.received.length >= peers.length),
        'warm-up delivered',
        60_000,
      )
      const sendMs: number[] = []
      const publishMs: number[] = []
      for (let round = 0; round < ROUNDS; round++) {
        const sender = peers[round % peers.length]
        const roomStart = performance.now()
        const sent = await sender.rooms.send(roomId, TEXT)
        sendMs.push(performance.now() - roomStart)
        const roomResult = await receipts.await(sent.id, peers.length - 1, roomStart)
        room.latencies.push(...roomResult.latencies)
        room.delivered += roomResult.delivered
        // Gossip keeps relaying copies for a moment after the last receipt: let a heartbeat
        // pass so that each round starts on a quiet network (measured: without it, whichever
        // round comes second pays for the first one's tail).
        await nextHeartbeat(sender)

        const eventSize = sender.rooms.heldEvents(roomId).find((e) => e.idHex === sent.id)!
          .bytes.length
        const payload = randomBytes(eventSize)
        const rawStart = performance.now()
        await sender.host.services.pubsub.publish(RAW_TOPIC, payload)
        publishMs.push(performance.now() - rawStart)
        const rawResult = await receipts.await(payload.toString('hex'), peers.length - 1, rawStart)
        raw.latencies.push(...rawResult.latencies)
        raw.delivered += rawResult.delivered
        await nextHeartbeat(sender)
      }
      const expected = ROUNDS * (peers.length - 1)
      const label = `${MEMBERS} members, ${ROUNDS} messages`
      return [
        {
          name: `room delivery rate (${label})`,
          value: (100 * room.delivered) / expected,
          unit: '%',
          baseline: {
            name: 'raw gossipsub, same payload size',
            value: (100 * raw.delivered) / expected,
          },
        },
        {
          name: `room fan-out latency p50 (${label})`,
          value: percentile(room.latencies, 50),
          unit: 'ms',
          baseline: { name: 'raw gossipsub p50', value: percentile(raw.latencies, 50) },
        },
        {
          name: `room fan-out latency p99 (${label})`,
          value: percentile(room.latencies, 99),
          unit: 'ms',
          baseline: { name: 'raw gossipsub p99', value: percentile(raw.latencies, 99) },
        },
        receiveCost(),
        {
          name: 'room send() p50: encrypt, sign, publish, then the write to disk',
          value: percentile(sendMs, 50),
          unit: 'ms',
          baseline: { name: 'raw gossipsub publish() p50', value: percentile(publishMs, 50) },
        },
      ]
    } finally {
      await network.stopAll()
    }
  },
}

export default benchmark
