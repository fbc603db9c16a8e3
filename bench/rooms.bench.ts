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
 *
 *   ROOM_BENCH_DEVICES=1 npm run bench -- rooms
 *
 * measures instead a room of 3 members on 4 devices (alice on a laptop and an enrolled phone)
 * beside a room of 3 members on 3 devices, on seven hosts in the same run, rounds alternating
 * between the two rooms (doc/rooms.md, "A member on several devices").
 */
import { randomBytes } from 'node:crypto'
import type { Message } from '@libp2p/gossipsub'
import { generateIdentity } from '../node/identity/index.ts'
import {
  DEVICE_CAPABILITIES_ALL,
  signDeviceCertificate,
  signDeviceList,
} from '../protocol/accounts/index.ts'
import { toHex } from '../protocol/bytes.ts'
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

/** Delivery and fan-out latency of `subject`'s rounds beside `baseline`'s, as figures. */
function fanOutFigures(
  label: string,
  subject: RoundResult & { expected: number },
  baseline: RoundResult & { expected: number; name: string },
): BenchmarkFigure[] {
  return [
    {
      name: `room delivery rate (${label})`,
      value: (100 * subject.delivered) / subject.expected,
      unit: '%',
      baseline: { name: baseline.name, value: (100 * baseline.delivered) / baseline.expected },
    },
    ...[50, 99].map((p) => ({
      name: `room fan-out latency p${p} (${label})`,
      value: percentile(subject.latencies, p),
      unit: 'ms',
      baseline: { name: `${baseline.name} p${p}`, value: percentile(baseline.latencies, p) },
    })),
  ]
}

/** Three members: `owner` makes the room, `others` join; resolves with its id. */
async function threeMembers(owner: RoomPeer, others: RoomPeer[]): Promise<string> {
  const { roomId, invite } = await owner.rooms.create('bench')
  for (const peer of others) await peer.rooms.join(invite)
  return roomId
}

/** 3 members on 4 devices vs 3 members on 3 devices (see the file header). */
async function devicesRun(network: RoomNetwork): Promise<BenchmarkFigure[]> {
  const plain = [await network.start(), await network.start(), await network.start()]
  const account = generateIdentity()
  const phoneKey = { ...generateIdentity(), account }
  const record = signDeviceList(account, {
    version: 2,
    devices: [account, phoneKey].map((device, i) =>
      signDeviceCertificate(account, {
        device: device.publicKey,
        name: `device ${i + 1}`,
        createdMs: Date.now(),
        capabilities: DEVICE_CAPABILITIES_ALL,
      }),
    ),
    revoked: [],
    nextRecovery: new Uint8Array(0),
  })
  const devices = [toHex(account.publicKey), toHex(phoneKey.publicKey)]
  const ownDeviceList = () => ({ record, version: 2, devices })
  const laptop = await network.start({ identity: account, ownDeviceList })
  const phone = await network.start({ identity: phoneKey, ownDeviceList })
  const multi = [laptop, phone, await network.start(), await network.start()]
  await network.connectAll()
  const plainRoom = await threeMembers(plain[0], plain.slice(1))
  const multiRoom = await threeMembers(laptop, multi.slice(2))
  await laptop.rooms.ownDevicesChanged()
  const writers = (room: string, peers: RoomPeer[]) =>
    peers.every((peer) =>
      peers.every(
        (other) => other === peer || peer.rooms.senderKeyIds(room, other.keyHex).length > 0,
      ),
    )
  await waitUntil(
    [...plain, ...multi],
    () => writers(plainRoom, plain) && writers(multiRoom, multi),
    'every device holds every other device’s chain',
    120_000,
  )
  const receipts = new Receipts()
  for (const peer of [...plain, ...multi]) {
    peer.events.addEventListener('room:message', (evt) => {
      const message = (evt as CustomEvent<RoomMessageView>).detail
      if (!message.mine) receipts.record(message.id)
    })
  }
  const rooms = [
    {
      roomId: plainRoom,
      peers: plain,
      sender: plain[1],
      result: { latencies: [] as number[], delivered: 0 },
    },
    {
      roomId: multiRoom,
      peers: multi,
      sender: multi[2],
      result: { latencies: [] as number[], delivered: 0 },
    },
  ]
  for (const { roomId, sender, peers } of rooms) {
    const warmUp = await sender.rooms.send(roomId, 'warm-up')
    await receipts.await(warmUp.id, peers.length - 1, performance.now())
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const { roomId, sender, peers, result } of rooms) {
      const start = performance.now()
      const sent = await sender.rooms.send(roomId, TEXT)
      const got = await receipts.await(sent.id, peers.length - 1, start)
      result.latencies.push(...got.latencies)
      result.delivered += got.delivered
      await nextHeartbeat(sender)
    }
  }
  const [three, four] = rooms.map(({ peers, result }) => ({
    ...result,
    expected: ROUNDS * (peers.length - 1),
  }))
  return fanOutFigures(`3 members on 4 devices, ${ROUNDS} messages`, four, {
    ...three,
    name: '3 members on 3 devices',
  })
}

const benchmark: Benchmark = {
  name: 'rooms',
  async run() {
    const network = new RoomNetwork()
    if (process.env.ROOM_BENCH_DEVICES != null) {
      try {
        return await devicesRun(network)
      } finally {
        await network.stopAll()
      }
    }
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
        ...fanOutFigures(
          label,
          { ...room, expected },
          { ...raw, expected, name: 'raw gossipsub, same payload size' },
        ),
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
