/**
 * A hostile peer on DM_PROTOCOL: malformed and oversized frames, forged senders, garbage
 * ciphertext and replays. None is accepted, each is penalised, the stream is closed after
 * too many, and the node keeps working for honest peers.
 */
import { lpStream } from '@libp2p/utils'
import { afterEach, describe, expect, it } from 'vitest'
import { DM_PROTOCOL } from '../../protocol/ids.ts'
import { MAX_STREAM_FRAME_SIZE } from '../../protocol/limits.ts'
import {
  DmAckStatus,
  type DmEnvelope,
  decodeDmFrame,
  encodeDmFrame,
} from '../../protocol/messaging.ts'
import { streamClosed, withTimeout } from '../helpers/wait.ts'
import { type DhtPeer, startDhtPeer } from './mailbox-network.ts'
import {
  BundleDirectory,
  type MessagingPeer,
  publicKeyHex,
  receivedCount,
  startMessagingPeer,
  stateReached,
} from './messaging-peers.ts'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

interface Setup {
  alice: MessagingPeer
  bob: MessagingPeer
  mallory: DhtPeer
  penalties: Array<{ peerId: string; reason: string; total: number }>
}

async function setup(): Promise<Setup> {
  const directory = new BundleDirectory()
  const penalties: Setup['penalties'] = []
  const alice = await startMessagingPeer({ directory })
  const bob = await startMessagingPeer({
    directory,
    messaging: {
      maxBadFrames: 5,
      onPenalty: (peerId, reason, total) => penalties.push({ peerId, reason, total }),
    },
  })
  const mallory = await startDhtPeer({ dhtServer: false })
  cleanups.push(
    () => alice.remove(),
    () => bob.remove(),
    () => mallory.remove(),
  )
  await alice.host.dial(bob.host.getMultiaddrs()[0])
  return { alice, bob, mallory, penalties }
}

async function openDm(from: { host: DhtPeer['host'] }, to: MessagingPeer) {
  const stream = await from.host.dialProtocol(to.host.getMultiaddrs()[0], DM_PROTOCOL)
  const lp = lpStream(stream, { maxDataLength: MAX_STREAM_FRAME_SIZE })
  return {
    stream,
    send: (envelope: DmEnvelope) => lp.write(encodeDmFrame({ envelope })),
    writeRaw: (bytes: Uint8Array) => lp.write(bytes),
    readAck: async () => {
      const frame = decodeDmFrame((await withTimeout(lp.read(), 10_000, 'ack')).subarray())
      if (frame.ack == null) throw new Error('expected an ack')
      return frame.ack
    },
  }
}

/** The first envelope alice sends bob, captured as bob's pipeline takes it in. */
function captureNextEnvelope(bob: MessagingPeer): Promise<DmEnvelope> {
  const pipeline = bob.messages.pipeline
  const original = pipeline.receive.bind(pipeline)
  return new Promise((resolve) => {
    pipeline.receive = async (envelope, source) => {
      pipeline.receive = original
      resolve(envelope)
      return original(envelope, source)
    }
  })
}

describe('hostile input on the DM protocol', () => {
  it('closes a stream after too many malformed frames, and at once on an oversized one', async () => {
    const { bob, mallory, penalties } = await setup()
    const malformed = await openDm(mallory, bob)
    for (let i = 0; i < 5; i++) await malformed.writeRaw(new Uint8Array([0xff, 0x01, i]))
    await streamClosed(malformed.stream)
    const mine = penalties.filter((p) => p.peerId === mallory.host.peerId.toString())
    expect(mine).toHaveLength(5)
    expect(mine[0].reason).toMatch(/malformed frame/)

    const oversized = await openDm(mallory, bob)
    // A length prefix one byte over the limit: the node must not even try to read it.
    const prefix = encodeVarint(MAX_STREAM_FRAME_SIZE + 1)
    oversized.stream.send(prefix)
    oversized.stream.send(new Uint8Array(1024))
    await streamClosed(oversized.stream)
    expect(penalties.at(-1)?.reason).toMatch(/unreadable frame.*too long/i)
  })

  it('rejects forged senders, garbage and replays; honest traffic still flows', async () => {
    const { alice, bob, mallory, penalties } = await setup()
    const captured = captureNextEnvelope(bob)
    const first = await alice.messages.send(publicKeyHex(bob), 'the real one')
    const envelope = await captured
    await stateReached(alice, first.id, 'delivered')

    const fromMallory = await openDm(mallory, bob)
    // Alice's envelope, resent by mallory: the sender does not match the connection.
    await fromMallory.send(envelope)
    expect(await fromMallory.readAck()).toMatchObject({ status: DmAckStatus.REJECTED })
    expect(penalties.at(-1)?.reason).toMatch(/claims sender/)
    // Mallory's own name on garbage: no session, nothing to decrypt.
    const garbage: DmEnvelope = {
      messageId: new Uint8Array(16).fill(1) as DmEnvelope['messageId'],
      sender: mallory.identity.publicKey as DmEnvelope['sender'],
      header: new Uint8Array(42).fill(1) as DmEnvelope['header'],
      ciphertext: new Uint8Array(64).fill(2) as DmEnvelope['ciphertext'],
    }
    await fromMallory.send(garbage)
    expect((await fromMallory.readAck()).status).toBe(DmAckStatus.REJECTED)

    // Replays over alice's own authenticated connection: same message, then the same ratchet
    // message under a fresh id. Neither is shown again.
    const fromAlice = await openDm(alice, bob)
    await fromAlice.send(envelope)
    expect((await fromAlice.readAck()).status).toBe(DmAckStatus.DUPLICATE)
    await fromAlice.send({
      ...envelope,
      messageId: new Uint8Array(16).fill(9) as DmEnvelope['messageId'],
    })
    expect((await fromAlice.readAck()).status).toBe(DmAckStatus.DUPLICATE)
    // A forged ratchet key in the header: it does not authenticate, and the session is untouched.
    const forgedHeader = Uint8Array.from(envelope.header)
    forgedHeader[2] ^= 0x80
    await fromAlice.send({
      ...envelope,
      messageId: new Uint8Array(16).fill(10) as DmEnvelope['messageId'],
      header: forgedHeader as DmEnvelope['header'],
    })
    expect((await fromAlice.readAck()).status).toBe(DmAckStatus.REJECTED)

    const second = await alice.messages.send(publicKeyHex(bob), 'still working')
    await stateReached(alice, second.id, 'delivered')
    await receivedCount(bob, 2)
    expect(bob.received.map((m) => m.text)).toEqual(['the real one', 'still working'])
    // Mallory: the forged sender and the garbage. Alice: the forged header only; copies of
    // what was already taken in are answered, not punished (honest retransmissions look alike).
    expect(bob.messages.channels.penalties(hexOf(mallory.identity.publicKey))).toBe(2)
    expect(bob.messages.channels.penalties(publicKeyHex(alice))).toBe(1)
  })
})

function hexOf(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex')
}

function encodeVarint(value: number): Uint8Array {
  const bytes: number[] = []
  let rest = value
  while (rest >= 0x80) {
    bytes.push((rest & 0x7f) | 0x80)
    rest >>>= 7
  }
  bytes.push(rest)
  return Uint8Array.from(bytes)
}
