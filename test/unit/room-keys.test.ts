import { describe, expect, it } from 'vitest'
import { RoomKeys } from '../../node/rooms/room-keys.ts'
import { RoomMembership } from '../../node/rooms/room-membership.ts'
import { RoomPersistence } from '../../node/rooms/room-persistence.ts'
import { RoomRegistry } from '../../node/rooms/room-registry.ts'
import type { RoomRuntime } from '../../node/rooms/room-runtime.ts'
import { RoomStore } from '../../node/rooms/room-store.ts'
import { RoomViews } from '../../node/rooms/room-views.ts'
import type { SenderKeyHandler, SenderKeyTransport } from '../../node/rooms/sender-key-transport.ts'
import { toHex } from '../../protocol/bytes.ts'
import type { RoomMembersChange } from '../../protocol/local-api.ts'
import {
  buildOp,
  openKeyBundle,
  ReceivedSenderKey,
  RoomLog,
  RoomOpKind,
  SenderKeyChain,
  sealKeyBundle,
} from '../../protocol/rooms/index.ts'
import { member, newRoom, RecordingStore, recordingLogger } from '../helpers/room-fixtures.ts'

class StubTransport implements SenderKeyTransport {
  readonly sent: Array<{ to: string; bytes: Uint8Array }> = []
  readonly refusing = new Set<string>()
  handler?: SenderKeyHandler

  async sendToMember(to: Uint8Array, bytes: Uint8Array): Promise<void> {
    if (this.refusing.has(toHex(to))) throw new Error('member offline')
    this.sent.push({ to: toHex(to), bytes })
  }

  onReceive(handler: SenderKeyHandler): void {
    this.handler = handler
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}
}

/** Alice's node in a room with bob and carol. */
function setUp(inviteOnly = false) {
  const [alice, bob, carol] = [member(), member(), member()]
  const { genesis, log: written, inviteSeed } = newRoom(alice, inviteOnly)
  for (const joiner of [bob, carol]) {
    const op = inviteOnly
      ? buildOp(alice.key, written, { kind: RoomOpKind.ADD, target: joiner.key.publicKey })
      : buildOp(joiner.key, written, { kind: RoomOpKind.JOIN })
    written.ingest(op)
  }
  const rooms = new RoomRegistry(alice.hex)
  const room = rooms.add(new RoomLog(genesis), {
    roomId: genesis.idHex,
    joined: true,
    readLamport: 0,
    inviteSeed: inviteSeed == null ? undefined : Buffer.from(inviteSeed).toString('base64'),
  })
  for (const event of written.ordered()) room.log.ingest(event)
  const store = new RecordingStore()
  const logger = recordingLogger()
  const persistence = new RoomPersistence(store, logger)
  const transport = new StubTransport()
  const unlocked: string[] = []
  let running = true
  const keys = new RoomKeys({
    identity: alice.key,
    selfHex: alice.hex,
    rooms,
    persistence,
    transport,
    log: logger,
    running: () => running,
    unlock: (_room, author, keyId) => unlocked.push(`${author}:${keyId}`),
    keyRetryIntervalMs: 60_000,
  })
  const topics: string[] = []
  const told: RoomMembersChange[] = []
  const membership = new RoomMembership({
    selfHex: alice.hex,
    keys,
    gossip: {
      subscribe: (r: RoomRuntime) => topics.push(`+${r.topic}`),
      unsubscribe: (r: RoomRuntime) => topics.push(`-${r.topic}`),
    },
    persistence,
    views: new RoomViews(alice.hex),
    changed: (change) => told.push(change),
  })
  /** Applies `op` by `author` to alice's room, as the intake would, and reacts. */
  const apply = (author: typeof alice, op: Parameters<typeof buildOp>[2]) => {
    const event = buildOp(author.key, room.log, op)
    const before = room.log.membership()
    room.log.ingest(event)
    membership.changed(room, before, room.log.membership())
  }
  const delivered = async () => {
    await persistence.settled(room)
    // Let the deliveries queued behind the writes run.
    for (let i = 0; i < 20 && [...room.outgoing.values()].some((m) => m.size > 0); i++) {
      await new Promise((resolve) => setImmediate(resolve))
    }
  }
  return {
    alice,
    bob,
    carol,
    genesis,
    room,
    store,
    logger,
    transport,
    keys,
    unlocked,
    topics,
    told,
    apply,
    delivered,
    stop: () => {
      running = false
    },
  }
}

describe('room keys', () => {
  it('hands our chain to each other member, sealed to it, kept until delivered', async () => {
    const { bob, carol, room, store, transport, keys, delivered } = setUp()
    room.chain = SenderKeyChain.generate()
    keys.share(room, [bob.hex, carol.hex])
    expect([...room.outgoing.keys()].sort()).toEqual([bob.hex, carol.hex].sort())
    await delivered()
    expect(transport.sent.map((s) => s.to).sort()).toEqual([bob.hex, carol.hex].sort())
    const opened = openKeyBundle(bob.key, transport.sent.find((s) => s.to === bob.hex)!.bytes)
    expect(toHex(opened.senderKey.keyId)).toBe(toHex(room.chain.keyId))
    expect(() =>
      openKeyBundle(carol.key, transport.sent.find((s) => s.to === bob.hex)!.bytes),
    ).toThrow()
    expect(room.outgoing.size).toBe(0)
    const keyId = toHex(room.chain.keyId)
    // Written before delivery, deleted after.
    const out = RoomStore.outgoing(room.log.roomIdHex, bob.hex, keyId).key
    expect(
      store.batches
        .flat()
        .filter((op) => op.key === out)
        .map((op) => op.type),
    ).toEqual(['put', 'del'])
  })

  it('keeps what a member did not take, says so, and delivers it on retry', async () => {
    const { bob, room, logger, transport, keys, delivered } = setUp()
    room.chain = SenderKeyChain.generate()
    transport.refusing.add(bob.hex)
    keys.share(room, [bob.hex])
    await delivered()
    expect(room.outgoing.get(bob.hex)?.size).toBe(1)
    expect(logger.lines.at(-1)).toBe(
      `sender key for ${bob.hex.slice(0, 16)} not delivered yet: member offline`,
    )
    transport.refusing.clear()
    keys.retry()
    await delivered()
    expect(room.outgoing.size).toBe(0)
    expect(transport.sent.map((s) => s.to)).toEqual([bob.hex])
  })

  it('delivers nothing once stopped', async () => {
    const { bob, room, transport, keys, delivered, stop } = setUp()
    room.chain = SenderKeyChain.generate()
    stop()
    keys.share(room, [bob.hex])
    await delivered()
    expect(transport.sent).toEqual([])
    expect(room.outgoing.get(bob.hex)?.size).toBe(1)
  })

  it('stores a received bundle before acknowledging it, then unlocks what waited', async () => {
    const { alice, bob, room, store, keys, unlocked } = setUp()
    const chain = SenderKeyChain.generate()
    const sealed = sealKeyBundle(bob.key, {
      roomId: room.log.roomId,
      recipient: alice.key.publicKey,
      senderKey: chain.state(),
    })
    await keys.receive(bob.key.publicKey, sealed)
    const keyId = toHex(chain.keyId)
    expect(store.keys()).toEqual([
      RoomStore.receivedKey(
        room.log.roomIdHex,
        bob.hex,
        new ReceivedSenderKey(chain.state()).toJSON(),
      ).key,
    ])
    expect(unlocked).toEqual([`${bob.hex}:${keyId}`])
    expect([...(room.received.get(bob.hex)?.keys() ?? [])]).toEqual([keyId])
  })

  it('refuses a bundle carried by someone else, or from a key the room does not know', async () => {
    const { alice, bob, carol, room, store, keys } = setUp()
    const stranger = member()
    const seal = (from: typeof bob) =>
      sealKeyBundle(from.key, {
        roomId: room.log.roomId,
        recipient: alice.key.publicKey,
        senderKey: SenderKeyChain.generate().state(),
      })
    await expect(keys.receive(carol.key.publicKey, seal(bob))).rejects.toThrow('someone else')
    await expect(keys.receive(stranger.key.publicKey, seal(stranger))).rejects.toThrow(
      'does not know',
    )
    expect(store.batches).toEqual([])
    expect(room.received.size).toBe(0)
  })
})

describe('room membership reactions', () => {
  it('a removal drops what waited for the removed member and rekeys for those who stay', async () => {
    const { alice, bob, carol, room, transport, keys, told, apply, delivered } = setUp()
    room.chain = SenderKeyChain.generate()
    transport.refusing.add(bob.hex)
    keys.share(room, [bob.hex, carol.hex])
    await delivered()
    const oldKey = toHex(room.chain.keyId)
    transport.sent.length = 0
    apply(alice, { kind: RoomOpKind.REMOVE, target: bob.key.publicKey, cutSeq: 1 })
    await delivered()
    expect(toHex(room.chain.keyId)).not.toBe(oldKey)
    expect(room.outgoing.has(bob.hex)).toBe(false)
    transport.refusing.clear()
    keys.retry()
    await delivered()
    expect(transport.sent.map((s) => s.to)).toEqual([carol.hex])
    expect(
      told
        .at(-1)
        ?.members.map((m) => m.publicKey)
        .sort(),
    ).toEqual([alice.hex, carol.hex].sort())
  })

  it('leaving takes us off the topic and forgets pending bundles; joining does the reverse', () => {
    const { alice, bob, room, topics, told, apply } = setUp()
    room.outgoing.set(bob.hex, new Map([['k', new Uint8Array(1)]]))
    apply(alice, { kind: RoomOpKind.LEAVE })
    expect(topics).toEqual([`-${room.topic}`])
    expect(room.meta.joined).toBe(false)
    expect(room.outgoing.size).toBe(0)
    expect(told).toHaveLength(1)
  })

  it('joining again gets us back on the topic with a fresh chain for the others', async () => {
    const { alice, bob, carol, room, topics, transport, apply, delivered } = setUp()
    apply(alice, { kind: RoomOpKind.LEAVE })
    expect(room.chain).toBeUndefined()
    apply(alice, { kind: RoomOpKind.JOIN })
    expect(topics).toEqual([`-${room.topic}`, `+${room.topic}`])
    expect(room.meta.joined).toBe(true)
    await delivered()
    expect(transport.sent.map((s) => s.to).sort()).toEqual([bob.hex, carol.hex].sort())
    const opened = openKeyBundle(carol.key, transport.sent.find((s) => s.to === carol.hex)!.bytes)
    expect(toHex(opened.senderKey.keyId)).toBe(toHex(room.chain!.keyId))
  })

  it('a member promoted to admin of an invite-only room gets the invite secret', async () => {
    const { alice, bob, room, transport, apply, delivered } = setUp(true)
    room.chain = SenderKeyChain.generate()
    apply(alice, { kind: RoomOpKind.PROMOTE, target: bob.key.publicKey })
    await delivered()
    const toBob = transport.sent.filter((s) => s.to === bob.hex)
    expect(toBob).toHaveLength(1)
    const opened = openKeyBundle(bob.key, toBob[0].bytes)
    expect(Buffer.from(opened.inviteSeed!).toString('base64')).toBe(room.meta.inviteSeed)
  })
})
