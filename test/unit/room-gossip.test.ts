import type { Message } from '@libp2p/gossipsub'
import { TopicValidatorResult } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'
import { describe, expect, it } from 'vitest'
import { peerIdOf } from '../../node/identity/index.ts'
import { RoomGossip, type RoomPubsub } from '../../node/rooms/room-gossip.ts'
import { RoomRegistry } from '../../node/rooms/room-registry.ts'
import { ed25519KeyPairFromSeed } from '../../protocol/crypto/index.ts'
import { MAX_ROOM_MESSAGE_SIZE } from '../../protocol/limits.ts'
import {
  buildMessage,
  buildOp,
  makeInviteProof,
  RoomLog,
  RoomOpKind,
  SenderKeyChain,
  type SignedRoomEvent,
} from '../../protocol/rooms/index.ts'
import { member, newRoom, recordingLogger } from '../helpers/room-fixtures.ts'

class StubPubsub extends EventTarget {
  readonly topicValidators = new Map()
  readonly topics = new Set<string>()
  failPublish = false

  subscribe(topic: string): void {
    this.topics.add(topic)
  }

  unsubscribe(topic: string): void {
    this.topics.delete(topic)
  }

  async publish(): Promise<never> {
    if (this.failPublish) throw new Error('no peers')
    return {} as never
  }

  getSubscribers(): PeerId[] {
    return []
  }
}

/** Alice's node holds her room; bob joined; carol is nobody. */
function setUp(inviteOnly = false) {
  const alice = member()
  const bob = member()
  const carol = member()
  const { genesis, log: written, inviteSeed } = newRoom(alice, inviteOnly)
  const proof =
    inviteSeed == null
      ? undefined
      : makeInviteProof(ed25519KeyPairFromSeed(inviteSeed), genesis.id, bob.key.publicKey)
  const join = buildOp(bob.key, written, { kind: RoomOpKind.JOIN, inviteProof: proof })
  const rooms = new RoomRegistry(alice.hex)
  const room = rooms.add(new RoomLog(genesis), {
    roomId: genesis.idHex,
    joined: true,
    readLamport: 0,
  })
  const pubsub = new StubPubsub()
  const ingested: SignedRoomEvent[] = []
  const strangers: PeerId[] = []
  const logger = recordingLogger()
  const gossip = new RoomGossip({
    pubsub: pubsub as unknown as RoomPubsub,
    rooms,
    log: logger,
    replayAgeMs: 600_000,
    ingest: (_room, event) => ingested.push(event),
    stranger: (_room, from) => strangers.push(from),
  })
  gossip.start()
  gossip.subscribe(room)
  const relay = peerIdOf({ publicKey: member().key.publicKey })
  const verdict = (data: Uint8Array) =>
    pubsub.topicValidators.get(room.topic)(relay, { topic: room.topic, data } as Message)
  const deliver = (data: Uint8Array) =>
    pubsub.dispatchEvent(
      new CustomEvent('message', { detail: { topic: room.topic, data } as Message }),
    )
  return {
    alice,
    bob,
    carol,
    written,
    join,
    room,
    pubsub,
    gossip,
    ingested,
    strangers,
    logger,
    relay,
    verdict,
    deliver,
  }
}

describe('room gossip', () => {
  it('rejects junk and counts it against the relaying peer', () => {
    const { bob, carol, written, relay, verdict, gossip, room, join } = setUp()
    const outsider = buildMessage(carol.key, written, SenderKeyChain.generate(), 'spam')
    const damaged = Uint8Array.from(join.bytes)
    damaged[damaged.length - 1] ^= 1
    expect(verdict(new Uint8Array(MAX_ROOM_MESSAGE_SIZE + 1))).toBe(TopicValidatorResult.Reject)
    expect(verdict(damaged)).toBe(TopicValidatorResult.Reject)
    expect(verdict(outsider.bytes)).toBe(TopicValidatorResult.Reject)
    // A second event for a seq bob already used (equivocation).
    room.log.ingest(join)
    const twin = buildOp(bob.key, new RoomLog(written.ordered()[0]), {
      kind: RoomOpKind.RENAME,
      name: 'mine',
    })
    expect(twin.event.seq).toBe(join.event.seq)
    expect(verdict(twin.bytes)).toBe(TopicValidatorResult.Reject)
    expect(gossip.rejectedBy(relay.toString())).toBe(4)
    expect(gossip.rejectedBy('someone else')).toBe(0)
  })

  it('rejects an old copy of an event it holds (a replay) and ignores a recent one', () => {
    const { alice, written, room, verdict, gossip, relay } = setUp()
    const hourAgo = Date.now() - 3_600_000
    const old = buildOp(alice.key, written, { kind: RoomOpKind.RENAME, name: 'x' }, hourAgo)
    written.ingest(old)
    const recent = buildOp(alice.key, written, { kind: RoomOpKind.RENAME, name: 'y' })
    room.log.ingest(old)
    room.log.ingest(recent)
    expect(verdict(old.bytes)).toBe(TopicValidatorResult.Reject)
    expect(verdict(recent.bytes)).toBe(TopicValidatorResult.Ignore)
    expect(gossip.rejectedBy(relay.toString())).toBe(1)
  })

  it('ignores a removed member and asks for a sync with whoever relayed it', () => {
    const { alice, bob, written, join, room, verdict, strangers, relay, ingested, deliver } =
      setUp()
    written.ingest(join)
    const remove = buildOp(alice.key, written, {
      kind: RoomOpKind.REMOVE,
      target: bob.key.publicKey,
      cutSeq: 1,
    })
    written.ingest(remove)
    room.log.ingest(join)
    room.log.ingest(remove)
    const late = buildMessage(bob.key, written, SenderKeyChain.generate(), 'still here')
    expect(verdict(late.bytes)).toBe(TopicValidatorResult.Ignore)
    expect(strangers).toEqual([relay])
    deliver(late.bytes)
    expect(ingested).toEqual([])
  })

  it('in an invite-only room accepts a JOIN with its proof and rejects one without', () => {
    const { carol, written, join, verdict, deliver, ingested } = setUp(true)
    const uninvited = buildOp(carol.key, written, { kind: RoomOpKind.JOIN })
    expect(verdict(uninvited.bytes)).toBe(TopicValidatorResult.Reject)
    expect(verdict(join.bytes)).toBe(TopicValidatorResult.Accept)
    deliver(uninvited.bytes)
    deliver(join.bytes)
    expect(ingested.map((event) => event.idHex)).toEqual([join.idHex])
  })

  it('leaves every topic on stop and takes nothing after it', () => {
    const { room, pubsub, gossip, verdict, deliver, ingested, join } = setUp()
    gossip.subscribe(room)
    expect([...pubsub.topics]).toEqual([room.topic])
    expect(verdict(join.bytes)).toBe(TopicValidatorResult.Accept)
    gossip.stop()
    expect(pubsub.topics.size).toBe(0)
    expect(pubsub.topicValidators.size).toBe(0)
    expect(room.subscribed).toBe(false)
    deliver(join.bytes)
    expect(ingested).toEqual([])
  })

  it('a failed publish is logged, not thrown', async () => {
    const { room, pubsub, gossip, logger, join } = setUp()
    pubsub.failPublish = true
    await gossip.publish(room, join)
    expect(logger.lines).toEqual([`room ${room.log.roomIdHex}: publish failed: no peers`])
  })
})
