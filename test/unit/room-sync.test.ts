import type { PeerId } from '@libp2p/interface'
import { describe, expect, it } from 'vitest'
import { peerIdOf } from '../../node/identity/index.ts'
import { RoomPersistence } from '../../node/rooms/room-persistence.ts'
import { RoomRegistry } from '../../node/rooms/room-registry.ts'
import { RoomStore } from '../../node/rooms/room-store.ts'
import { RoomSync, type SyncExchange } from '../../node/rooms/room-sync.ts'
import type { SyncAnswer } from '../../node/rooms/room-sync-protocol.ts'
import { ed25519KeyPairFromSeed } from '../../protocol/crypto/index.ts'
import {
  buildOp,
  makeInviteProof,
  RoomLog,
  RoomOpKind,
  type RoomSyncRequest,
  RoomSyncStatus,
} from '../../protocol/rooms/index.ts'
import {
  type Member,
  member,
  newRoom,
  RecordingStore,
  recordingLogger,
} from '../helpers/room-fixtures.ts'
import { withTimeout } from '../helpers/wait.ts'

const noHost = {
  getConnections: () => [],
  handle: async () => undefined,
  unhandle: async () => undefined,
} as unknown as ConstructorParameters<typeof RoomSync>[0]['host']

/** A node's RoomSync over a registry, taking events straight into the log. */
function node(self: Member, exchange?: SyncExchange) {
  const rooms = new RoomRegistry(self.hex)
  const store = new RecordingStore()
  const logger = recordingLogger()
  const sync = new RoomSync({
    host: noHost,
    rooms,
    persistence: new RoomPersistence(store, logger),
    selfHex: self.hex,
    log: logger,
    ingest: (room, events) => {
      for (const event of events) room.log.ingest(event)
    },
    exchange,
    requestTimeoutMs: 5_000,
    minSyncGapMs: 60_000,
    membersToDial: 6,
  })
  void sync.start()
  return { rooms, store, logger, sync, peerId: peerIdOf({ publicKey: self.key.publicKey }) }
}

/** Alice's room with `renames` events after its CREATE, held by alice's node. */
function alicesRoom(renames: number, inviteOnly = false) {
  const alice = member()
  const created = newRoom(alice, inviteOnly)
  for (let i = 0; i < renames; i++) {
    created.log.ingest(buildOp(alice.key, created.log, { kind: RoomOpKind.RENAME, name: `n${i}` }))
  }
  const responder = node(alice)
  responder.rooms.add(created.log, { roomId: created.genesis.idHex, joined: true, readLamport: 0 })
  return { alice, ...created, responder }
}

/** An exchange answered by `responder` as `requester`, in pages of `limit`. */
function answeredBy(
  responder: RoomSync,
  requester: Member,
  limit: number,
  calls: Array<Partial<RoomSyncRequest>> = [],
): SyncExchange {
  return async (_peer, request) => {
    calls.push(request)
    const reply = responder.answer(
      {
        roomId: request.roomId!,
        heads: request.heads ?? [],
        limit,
        inviteProof: request.inviteProof ?? new Uint8Array(),
      } as RoomSyncRequest,
      requester.key.publicKey,
      peerIdOf({ publicKey: requester.key.publicKey }),
    )
    return { ...reply, heads: new Map() }
  }
}

function heldBy(asker: ReturnType<typeof node>, genesis: ReturnType<typeof newRoom>['genesis']) {
  return asker.rooms.add(new RoomLog(genesis), {
    roomId: genesis.idHex,
    joined: false,
    readLamport: 0,
  })
}

describe('room sync, asking', () => {
  it('pages until the answer is complete and counts what it added', async () => {
    const { genesis, responder } = alicesRoom(5)
    const bob = member()
    const calls: Array<Partial<RoomSyncRequest>> = []
    const asker = node(bob, answeredBy(responder.sync, bob, 2, calls))
    const room = heldBy(asker, genesis)
    expect(await asker.sync.syncWith(room, responder.peerId)).toBe(5)
    expect(room.log.size).toBe(6)
    expect(calls).toHaveLength(3)
    // Each page asks from where the last one ended.
    expect(calls.map((call) => call.heads?.find((h) => h.seq > 0)?.seq)).toEqual([1, 3, 5])
  })

  it('one exchange per room and peer at a time, none within the gap unless forced', async () => {
    const { genesis, responder } = alicesRoom(1)
    let calls = 0
    let answer = (_: SyncAnswer) => {}
    const asker = node(member(), () => {
      calls++
      return new Promise((resolve) => {
        answer = resolve
      })
    })
    const room = heldBy(asker, genesis)
    const first = asker.sync.syncWith(room, responder.peerId, { force: true })
    expect(await asker.sync.syncWith(room, responder.peerId, { force: true })).toBe(0)
    answer({ status: RoomSyncStatus.OK, events: [], complete: true, heads: new Map() })
    expect(await first).toBe(0)
    expect(await asker.sync.syncWith(room, responder.peerId)).toBe(0)
    expect(calls).toBe(1)
    const forced = asker.sync.syncWith(room, responder.peerId, { force: true })
    answer({ status: RoomSyncStatus.OK, events: [], complete: true, heads: new Map() })
    await forced
    expect(calls).toBe(2)
  })

  it('stops at a page that brings nothing new; a failure is logged and frees the peer', async () => {
    const { genesis, responder } = alicesRoom(0)
    let calls = 0
    let fail = false
    const asker = node(member(), async () => {
      calls++
      if (fail) throw new Error('stream reset')
      return {
        status: RoomSyncStatus.OK,
        events: [genesis.bytes],
        complete: false,
        heads: new Map(),
      }
    })
    const room = heldBy(asker, genesis)
    expect(await asker.sync.syncWith(room, responder.peerId, { force: true })).toBe(0)
    expect(calls).toBe(1)
    fail = true
    expect(await asker.sync.syncWith(room, responder.peerId, { force: true })).toBe(0)
    expect(asker.logger.lines.at(-1)).toMatch(
      /^sync of room [0-9a-f]+ with .* failed: stream reset$/,
    )
    expect(room.syncing.size).toBe(0)
  })

  it('after stop, a sync asks nothing', async () => {
    const { genesis, responder } = alicesRoom(1)
    let calls = 0
    const asker = node(member(), async () => {
      calls++
      return { status: RoomSyncStatus.OK, events: [], complete: true, heads: new Map() }
    })
    const room = heldBy(asker, genesis)
    await asker.sync.stop()
    expect(await asker.sync.syncWith(room, responder.peerId, { force: true })).toBe(0)
    expect(calls).toBe(0)
  })

  it('fetches a room it does not hold, from its CREATE on, and stores it as not joined', async () => {
    const { genesis, responder } = alicesRoom(3)
    const bob = member()
    const asker = node(bob, answeredBy(responder.sync, bob, 500))
    const room = await asker.sync.fetchRoom(genesis.id, responder.peerId, undefined)
    expect(room?.log.size).toBe(4)
    expect(room?.meta.joined).toBe(false)
    expect(asker.rooms.get(genesis.idHex)).toBe(room)
    expect(asker.store.keys()).toEqual([
      RoomStore.meta(room!.meta).key,
      RoomStore.event(genesis.idHex, genesis.idHex, genesis.bytes).key,
    ])
    const nobody = node(member(), async () => ({
      status: RoomSyncStatus.UNKNOWN_ROOM,
      events: [],
      complete: true,
      heads: new Map(),
    }))
    expect(await nobody.sync.fetchRoom(genesis.id, responder.peerId, undefined)).toBeUndefined()
    expect([...nobody.rooms.all()]).toEqual([])
  })
})

describe('room sync, answering', () => {
  const request = (roomId: Uint8Array, limit = 500, inviteProof: Uint8Array = new Uint8Array()) =>
    ({ roomId, heads: [], limit, inviteProof }) as RoomSyncRequest

  it('refuses an unknown room and an uninvited stranger of an invite-only room', () => {
    const { genesis, inviteSeed, responder } = alicesRoom(1, true)
    const carol = member()
    const carolPeer = peerIdOf({ publicKey: carol.key.publicKey })
    const answer = (req: RoomSyncRequest) =>
      responder.sync.answer(req, carol.key.publicKey, carolPeer)
    expect(answer(request(new Uint8Array(32))).status).toBe(RoomSyncStatus.UNKNOWN_ROOM)
    expect(answer(request(genesis.id))).toMatchObject({
      status: RoomSyncStatus.REFUSED,
      events: [],
    })
    const proof = makeInviteProof(
      ed25519KeyPairFromSeed(inviteSeed!),
      genesis.id,
      carol.key.publicKey,
    )
    expect(answer(request(genesis.id, 500, proof)).events).toHaveLength(2)
  })

  it('answers in total order up to the limit, and says when the limit cut it short', () => {
    const { genesis, log, responder } = alicesRoom(4)
    const bob = member()
    const reply = responder.sync.answer(
      request(genesis.id, 3),
      bob.key.publicKey,
      peerIdOf({ publicKey: bob.key.publicKey }),
    )
    expect(reply.complete).toBe(false)
    expect(reply.events).toEqual(
      log
        .ordered()
        .slice(0, 3)
        .map((event) => event.bytes),
    )
  })

  it('syncs back from a requester that holds events it lacks', async () => {
    const { genesis, alice } = alicesRoom(0)
    const bob = member()
    const asked: PeerId[] = []
    let askedBack = () => {}
    const pulled = new Promise<void>((resolve) => {
      askedBack = resolve
    })
    const responder = node(alice, async (peer) => {
      asked.push(peer)
      askedBack()
      return { status: RoomSyncStatus.OK, events: [], complete: true, heads: new Map() }
    })
    responder.rooms.add(new RoomLog(genesis), {
      roomId: genesis.idHex,
      joined: true,
      readLamport: 0,
    })
    const bobPeer = peerIdOf({ publicKey: bob.key.publicKey })
    const ahead = { ...request(genesis.id), heads: [{ author: bob.key.publicKey, seq: 1 }] }
    responder.sync.answer(ahead as RoomSyncRequest, bob.key.publicKey, bobPeer)
    await withTimeout(pulled, 2_000, 'sync back')
    expect(asked).toEqual([bobPeer])
  })
})
