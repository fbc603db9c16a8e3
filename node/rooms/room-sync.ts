/**
 * Catch-up between members over ROOM_SYNC_PROTOCOL (the frames are room-sync-protocol.ts):
 * asking a peer for what we miss of a room, fetching a room we do not hold yet, answering
 * others, and the anti-entropy round that keeps rooms whole while gossip drops things.
 *
 * Guarantees, and how they are kept:
 * - Bounded work per peer: one exchange per (room, peer) at a time (`syncing`), at most one
 *   unforced exchange per `minSyncGapMs`, at most MAX_SYNC_PAGES pages of at most
 *   MAX_ROOM_SYNC_EVENTS events, each exchange under `requestTimeoutMs`; a page that brings
 *   nothing new ends the sync. A failure is logged, never thrown.
 * - We answer members, anyone for an open room, and non-members of an invite-only room only
 *   with a valid invite proof; the answer is in total order, so the requester takes events
 *   in causal order.
 * - A requester that holds events we lack is synced back (that is how a JOIN reaches the
 *   room before its author is in the gossip mesh).
 */
import type { Connection, Libp2p, Logger, PeerId, Stream } from '@libp2p/interface'
import { streamCounts } from '../../network/index.ts'
import { connectToPeer, type PeerStreamHost } from '../../network/peer-streams.ts'
import { fromHex, toHex } from '../../protocol/bytes.ts'
import { ROOM_SYNC_PROTOCOL } from '../../protocol/ids.ts'
import { MAX_ROOM_SYNC_EVENTS, ROOM_SYNC_STREAM_LIMITS } from '../../protocol/limits.ts'
import {
  headsToWire,
  memberOf,
  RoomLog,
  type RoomSyncRequest,
  RoomSyncStatus,
  type SignedRoomEvent,
} from '../../protocol/rooms/index.ts'
import { peerIdOf } from '../identity/index.ts'
import { ServiceLifecycle } from '../service-lifecycle.ts'
import { withDeadline } from './deadline.ts'
import { RoomsStoppedError } from './errors.ts'
import { openEvents } from './room-intake.ts'
import { ownInviteProof } from './room-invites.ts'
import type { RoomPersistence } from './room-persistence.ts'
import type { RoomRegistry } from './room-registry.ts'
import { mayEnter, type RoomRuntime, readers } from './room-runtime.ts'
import { RoomStore } from './room-store.ts'
import { requestSync, type SyncAnswer, type SyncReply, serveSync } from './room-sync-protocol.ts'

/** Pages fetched in one sync before giving up on a peer that keeps answering. */
const MAX_SYNC_PAGES = 200

/** One sync exchange with a peer: the request out, the answer back. */
export type SyncExchange = (
  peer: PeerId,
  request: Partial<RoomSyncRequest>,
  options: { signal: AbortSignal },
) => Promise<SyncAnswer>

export interface RoomSyncComponents {
  host: PeerStreamHost & Pick<Libp2p, 'handle' | 'unhandle'>
  rooms: RoomRegistry
  persistence: Pick<RoomPersistence, 'persist'>
  selfHex: string
  /** Our account's other current devices (hex): served before they enrol. @default none */
  ownDevices?(): string[]
  log: Logger
  /** Takes opened events into a room (the intake). */
  ingest(room: RoomRuntime, events: SignedRoomEvent[]): void
  /** @default requestSync over `host` */
  exchange?: SyncExchange
  requestTimeoutMs: number
  minSyncGapMs: number
  membersToDial: number
}

export class RoomSync {
  private readonly host: RoomSyncComponents['host']
  private readonly rooms: RoomRegistry
  private readonly persistence: Pick<RoomPersistence, 'persist'>
  private readonly selfHex: string
  private readonly ownDevices: () => string[]
  private readonly log: Logger
  private readonly ingest: RoomSyncComponents['ingest']
  private readonly exchange: SyncExchange
  private readonly requestTimeoutMs: number
  private readonly minSyncGapMs: number
  private readonly membersToDial: number
  private readonly lifecycle = new ServiceLifecycle(
    () => new RoomsStoppedError('room sync is stopped'),
  )

  constructor(components: RoomSyncComponents) {
    this.host = components.host
    this.rooms = components.rooms
    this.persistence = components.persistence
    this.selfHex = components.selfHex
    this.ownDevices = components.ownDevices ?? (() => [])
    this.log = components.log
    this.ingest = components.ingest
    this.exchange =
      components.exchange ??
      ((peer, request, options) => requestSync(this.host, peer, request, options))
    this.requestTimeoutMs = components.requestTimeoutMs
    this.minSyncGapMs = components.minSyncGapMs
    this.membersToDial = components.membersToDial
  }

  async start(): Promise<void> {
    if (!this.lifecycle.start()) return
    // Members behind NAT reach each other through a relay's circuit (a limited connection).
    await this.host.handle(
      ROOM_SYNC_PROTOCOL,
      (stream, connection) => {
        void this.serve(stream, connection)
      },
      { ...streamCounts(ROOM_SYNC_STREAM_LIMITS), runOnLimitedConnection: true },
    )
  }

  /** Ends every sync under way after its current page, and stops answering. */
  async stop(): Promise<void> {
    await this.lifecycle.stop()
    await this.host.unhandle(ROOM_SYNC_PROTOCOL)
  }

  /** Fetches from `peer` what we miss of a room; resolves with the number of new events. */
  async syncWith(
    room: RoomRuntime,
    peer: PeerId,
    options: { force?: boolean; inviteProof?: Uint8Array } = {},
  ): Promise<number> {
    const key = peer.toString()
    const last = room.lastSync.get(key) ?? 0
    if (room.syncing.has(key)) return 0
    if (options.force !== true && Date.now() - last < this.minSyncGapMs) return 0
    room.syncing.add(key)
    room.lastSync.set(key, Date.now())
    const inviteProof = options.inviteProof ?? ownInviteProof(room, fromHex(this.selfHex))
    let added = 0
    try {
      for (let page = 0; page < MAX_SYNC_PAGES && this.lifecycle.running; page++) {
        const request = syncRequest(room.log.roomId, headsToWire(room.log.heads()), inviteProof)
        const answer = await withDeadline(this.requestTimeoutMs, (signal) =>
          this.exchange(peer, request, { signal }),
        )
        if (answer.status !== RoomSyncStatus.OK) break
        const before = room.log.size
        this.ingest(room, openEvents(answer.events, this.log))
        added += room.log.size - before
        if (answer.complete || room.log.size === before) break
      }
    } catch (err) {
      this.log(
        'sync of room %s with %p failed: %s',
        room.log.roomIdHex,
        peer,
        (err as Error).message,
      )
    } finally {
      room.syncing.delete(key)
    }
    return added
  }

  /**
   * Fetches a room we do not hold yet from `peer`, starting from its CREATE event; the room
   * is held (not joined) from then on. Undefined when the peer does not give it.
   */
  async fetchRoom(
    roomId: Uint8Array,
    peer: PeerId,
    inviteProof: Uint8Array | undefined,
  ): Promise<RoomRuntime | undefined> {
    const answer = await withDeadline(this.requestTimeoutMs, (signal) =>
      this.exchange(peer, syncRequest(roomId, [], inviteProof), { signal }),
    )
    if (answer.status !== RoomSyncStatus.OK) return undefined
    const events = openEvents(answer.events, this.log)
    const genesis = events.find((event) => toHex(event.id) === toHex(roomId))
    if (genesis == null) return undefined
    const room =
      this.rooms.get(genesis.idHex) ??
      this.rooms.add(new RoomLog(genesis), {
        roomId: genesis.idHex,
        joined: false,
        readLamport: 0,
      })
    await this.persistence.persist(room, [
      RoomStore.meta(room.meta),
      RoomStore.event(genesis.idHex, genesis.idHex, genesis.bytes),
    ])
    this.ingest(room, events)
    if (!answer.complete) await this.syncWith(room, peer, { force: true, inviteProof })
    return room
  }

  /** What we answer `requester` (its identity key; `peer` its peer id). */
  answer(request: RoomSyncRequest, requester: Uint8Array, peer: PeerId): SyncReply {
    const refused = (status: RoomSyncStatus): SyncReply => ({
      status,
      events: [],
      complete: true,
      heads: [],
    })
    const room = this.rooms.get(toHex(request.roomId))
    if (room == null) return refused(RoomSyncStatus.UNKNOWN_ROOM)
    const state = room.log.membership()
    const requesterHex = toHex(requester)
    // A member's account key or enrolled device; or one of our own devices fetching a room
    // its account is in, before it enrols (room-devices.ts).
    const isMember =
      memberOf(state, requesterHex) != null || this.ownDevices().includes(requesterHex)
    if (!isMember && !mayEnter(room, requester, request.inviteProof)) {
      return refused(RoomSyncStatus.REFUSED)
    }
    const heads = new Map(request.heads.map((head) => [toHex(head.author), head.seq]))
    const events = room.log.eventsAfter(heads, request.limit + 1)
    // Seeing the requester ahead of us (a member, or a joiner who may enter), pull back what
    // it has that we lack: that is how a JOIN reaches us before the gossip mesh has formed.
    if (room.log.lacksAnyOf(heads)) {
      setImmediate(() => void this.syncWith(room, peer))
    }
    return {
      status: RoomSyncStatus.OK,
      events: events.slice(0, request.limit).map((event) => event.bytes),
      complete: events.length <= request.limit,
      heads: room.log.heads(),
    }
  }

  /** Members (account keys and enrolled devices) of the room we hold a connection to. */
  connectedMembers(room: RoomRuntime): PeerId[] {
    const state = room.log.membership()
    return this.host
      .getConnections()
      .map((connection) => connection.remotePeer)
      .filter(
        (peer) =>
          peer.publicKey?.type === 'Ed25519' && memberOf(state, toHex(peer.publicKey.raw)) != null,
      )
  }

  /** One round: each joined room syncs with one connected member, or dials members again. */
  antiEntropy(): void {
    for (const room of this.rooms.all()) {
      if (!room.meta.joined) continue
      const peers = this.connectedMembers(room)
      if (peers.length === 0) {
        // Circuits through a relay end at the relay's limits: find the members again.
        void this.dialMembers(room)
        continue
      }
      void this.syncWith(room, peers[Math.floor(Math.random() * peers.length)])
    }
  }

  /** Dials a few members we are not connected to, so the room's mesh can form. */
  async dialMembers(room: RoomRuntime): Promise<void> {
    const connected = new Set(this.host.getConnections().map((c) => c.remotePeer.toString()))
    const members = readers(room.log.membership(), this.selfHex)
      .map((key) => peerIdOf({ publicKey: fromHex(key) }))
      .filter((peer) => !connected.has(peer.toString()))
      .slice(0, Math.max(0, this.membersToDial - connected.size))
    await Promise.all(
      members.map((peer) =>
        withDeadline(this.requestTimeoutMs, (signal) =>
          connectToPeer(this.host, peer, { signal }),
        ).catch((err: Error) => this.log('could not dial member %p: %s', peer, err.message)),
      ),
    )
  }

  private async serve(stream: Stream, connection: Connection): Promise<void> {
    const key = connection.remotePeer.publicKey
    try {
      if (key?.type !== 'Ed25519') throw new Error('the peer has no Ed25519 identity key')
      await withDeadline(this.requestTimeoutMs, (signal) =>
        serveSync(
          stream,
          key.raw,
          (request, requester) => this.answer(request, requester, connection.remotePeer),
          { signal },
        ),
      )
    } catch (err) {
      this.log('room sync with %p failed: %s', connection.remotePeer, (err as Error).message)
      stream.abort(err as Error)
    }
  }
}

function syncRequest(
  roomId: Uint8Array,
  heads: RoomSyncRequest['heads'],
  inviteProof: Uint8Array | undefined,
): Partial<RoomSyncRequest> {
  return {
    roomId: roomId as RoomSyncRequest['roomId'],
    heads,
    limit: MAX_ROOM_SYNC_EVENTS,
    inviteProof: inviteProof as RoomSyncRequest['inviteProof'],
  }
}
