/**
 * RoomService: the node's group rooms behind one public surface (the API routes, the CLI and
 * the node use this class only). It is a facade: it builds the parts, each in its own file
 * with its guarantees stated at the top, wires them, and turns each call into calls on them.
 *
 *   RoomRegistry     rooms by id and topic     RoomPersistence  write queues, restore
 *   OwnEvents        our messages and ops      RoomGossip       topic, validator, publish
 *   RoomIntake       others' events, shown     RoomMembership   reactions to member changes
 *   RoomKeys         sender keys out and in    RoomSync         catch-up with members
 *   RoomViews        what the API shows        room-invites.ts  invite codes, who may join
 *   RoomKeyMoves     the member across a key change (rotation, recovery)
 *   RoomDevices      our account's devices in our rooms (enrol, follow the list)
 *   RoomJoining      creating, joining, invite codes handed out
 *   RoomMemberOps    leave, remove, set a role, rename (checked before written)
 *
 * The parts reach each other only through the few functions handed to them here, so each is
 * tested alone. Events (`room:message`, `room:members`) are dispatched on the service for the
 * node's parts, then handed to the local API through `emit`.
 *
 * Started after the libp2p host, stopped before it: start restores every room from disk, then
 * opens the key and sync protocols and the gossip listener, then rejoins the topics; stop
 * does the reverse and writes the clean-stop mark once every write is done.
 */
import type { Logger, PeerId } from '@libp2p/interface'
import { TypedEventEmitter } from 'main-event'
import { fromHex, toHex } from '../../protocol/bytes.ts'
import type { Ed25519KeyPair } from '../../protocol/crypto/index.ts'
import type {
  RoomHistoryResponse,
  RoomMembersChange,
  RoomMessageView,
  RoomSummary,
} from '../../protocol/local-api.ts'
import type { RoomContentValue, SignedRoomEvent } from '../../protocol/rooms/index.ts'
import { accountKeyOf } from '../identity/index.ts'
import { ServiceLifecycle } from '../service-lifecycle.ts'
import { RoomsStoppedError } from './errors.ts'
import { OwnEvents } from './own-events.ts'
import { checkRoomAction, type RoomActionRequest } from './room-actions.ts'
import { RoomDevices } from './room-devices.ts'
import { type RoomFileOffer, roomFileOffers, roomReaders } from './room-files.ts'
import { RoomGossip } from './room-gossip.ts'
import { openEvents, RoomIntake } from './room-intake.ts'
import { RoomJoining } from './room-joining.ts'
import { type AccountKeyStatements, RoomKeyMoves } from './room-key-moves.ts'
import { RoomKeys } from './room-keys.ts'
import { RoomMemberOps } from './room-member-ops.ts'
import { RoomMembership } from './room-membership.ts'
import { RoomPersistence, restoreRoom } from './room-persistence.ts'
import { type RoomProfile, RoomProfiles } from './room-profiles.ts'
import { RoomRegistry } from './room-registry.ts'
import type { RoomRuntime } from './room-runtime.ts'
import type {
  RoomHost,
  RoomSendOptions,
  RoomServiceComponents,
  RoomServiceEventMap,
  RoomServiceEvents,
  RoomServiceInit,
} from './room-service-contract.ts'
import { RoomStore, type StoredRoom } from './room-store.ts'
import { RoomSync } from './room-sync.ts'
import { RoomViews } from './room-views.ts'
import { StreamSenderKeyTransport } from './sender-key-transport.ts'

export class RoomService extends TypedEventEmitter<RoomServiceEventMap> {
  private readonly host: RoomHost
  private readonly store: RoomStore
  private readonly selfHex: string
  private readonly emitEvent: NonNullable<RoomServiceComponents['emit']>
  private readonly onRead: NonNullable<RoomServiceComponents['onRead']>
  private readonly log: Logger
  private readonly syncIntervalMs: number
  private readonly recallWindowMs: number | undefined
  private readonly keyRetryIntervalMs: number
  private readonly views: RoomViews
  private readonly rooms: RoomRegistry
  private readonly persistence: RoomPersistence
  private readonly intake: RoomIntake
  private readonly gossip: RoomGossip
  private readonly sync: RoomSync
  private readonly keys: RoomKeys
  private readonly membership: RoomMembership
  private readonly own: OwnEvents
  private readonly keyMoves: RoomKeyMoves
  private readonly devices: RoomDevices
  private readonly joining: RoomJoining
  private readonly memberOps: RoomMemberOps
  private readonly profiles: RoomProfiles
  private readonly keyStatements: RoomServiceComponents['keyStatements']
  private readonly timers: NodeJS.Timeout[] = []
  private readonly lifecycle = new ServiceLifecycle(
    () => new RoomsStoppedError('rooms are stopped'),
  )

  constructor(components: RoomServiceComponents, init: RoomServiceInit = {}) {
    super()
    this.host = components.host
    this.store = new RoomStore(components.db)
    this.selfHex = toHex(components.identity.publicKey)
    const accountHex = toHex(accountKeyOf(components.identity).publicKey)
    this.views = new RoomViews(accountHex, {
      persist: (room, writes) => void this.persistence.persist(room, writes),
      recallWindowMs: init.recallWindowMs,
      deviceHex: this.selfHex,
    })
    this.rooms = new RoomRegistry(this.selfHex)
    this.emitEvent = components.emit ?? (() => {})
    this.onRead = components.onRead ?? (() => {})
    this.syncIntervalMs = init.syncIntervalMs ?? 30_000
    this.recallWindowMs = init.recallWindowMs
    this.keyRetryIntervalMs = init.keyRetryIntervalMs ?? 10_000
    this.log = components.host.logger.forComponent('tokenim:rooms')
    this.persistence = new RoomPersistence(this.store, this.log)
    this.gossip = new RoomGossip({
      pubsub: components.host.services.pubsub,
      rooms: this.rooms,
      log: this.log,
      replayAgeMs: init.replayAgeMs ?? 600_000,
      ingest: (room, event) => this.intake.ingest(room, [event]),
      stranger: (room, from) => void this.sync.syncWith(room, from),
    })
    this.sync = new RoomSync({
      host: components.host,
      rooms: this.rooms,
      persistence: this.persistence,
      selfHex: this.selfHex,
      ownDevices: () => this.devices.ownDevices(),
      log: this.log,
      ingest: (room, events) => this.intake.ingest(room, events),
      requestTimeoutMs: init.requestTimeoutMs ?? 10_000,
      minSyncGapMs: init.minSyncGapMs ?? 2_000,
      membersToDial: init.membersToDial ?? 6,
    })
    this.keys = new RoomKeys({
      identity: components.identity,
      selfHex: this.selfHex,
      accountHex,
      ownDevices: () => this.devices.ownDevices(),
      unknownRoom: (roomIdHex, deviceHex) => this.devices.unknownRoom(roomIdHex, deviceHex),
      rooms: this.rooms,
      persistence: this.persistence,
      transport:
        components.keyTransport ??
        new StreamSenderKeyTransport({ host: components.host, timeoutMs: init.requestTimeoutMs }),
      log: this.log,
      running: () => this.lifecycle.running,
      unlock: (room, authorHex, keyIdHex) => this.intake.unlock(room, authorHex, keyIdHex),
      keyRetryIntervalMs: this.keyRetryIntervalMs,
    })
    this.membership = new RoomMembership({
      selfHex: this.selfHex,
      keys: this.keys,
      gossip: this.gossip,
      persistence: this.persistence,
      views: this.views,
      changed: (change) => this.tell('room:members', change),
    })
    this.intake = new RoomIntake({
      selfHex: this.selfHex,
      views: this.views,
      persistence: this.persistence,
      log: this.log,
      membershipChanged: (room, before, after) => this.membership.changed(room, before, after),
      show: (message) => this.tell('room:message', message),
      update: (message) => this.tell('room:updated', message),
      opAdded: (room, event) => {
        const profile = this.profiles.taken(room, event)
        if (profile != null) this.safeDispatchEvent('room:profile', { detail: profile })
      },
    })
    this.own = new OwnEvents({
      identity: components.identity,
      selfHex: this.selfHex,
      persistence: this.persistence,
      gossip: this.gossip,
      keys: this.keys,
      intake: this.intake,
      membership: this.membership,
      sync: this.sync,
    })
    this.profiles = new RoomProfiles({
      selfHex: this.selfHex,
      accountHex,
      rooms: this.rooms,
      own: this.own,
      ownProfile: components.ownProfile,
      log: this.log,
    })
    this.keyStatements = components.keyStatements
    this.keyMoves = new RoomKeyMoves({
      selfHex: this.selfHex,
      rooms: this.rooms,
      persistence: this.persistence,
      gossip: this.gossip,
      keys: this.keys,
      own: this.own,
      sync: this.sync,
      log: this.log,
    })
    this.devices = new RoomDevices({
      selfHex: this.selfHex,
      accountHex,
      ownList: () => components.ownDeviceList?.(),
      rooms: this.rooms,
      own: this.own,
      keys: this.keys,
      gossip: this.gossip,
      fetchRoom: (roomId, peer) => this.sync.fetchRoom(roomId, peer, undefined),
      syncWith: (room, peer) => this.syncWith(room, peer, { force: true }),
      sync: this.sync,
      rejoined: async (room) => {
        await this.persistence.persist(room, [RoomStore.meta(room.meta)])
        const state = room.log.membership()
        this.membership.changed(room, state, state, true)
      },
      log: this.log,
    })
    this.joining = new RoomJoining({
      identity: components.identity,
      selfHex: this.selfHex,
      rooms: this.rooms,
      persistence: this.persistence,
      gossip: this.gossip,
      sync: this.sync,
      own: this.own,
      devices: this.devices,
      membership: this.membership,
      views: this.views,
      connectedPeers: () => this.host.getConnections().map((connection) => connection.remotePeer),
      keyStatements: components.keyStatements,
      log: this.log,
    })
    this.memberOps = new RoomMemberOps({
      selfHex: this.selfHex,
      rooms: this.rooms,
      own: this.own,
      views: this.views,
    })
  }

  async start(): Promise<void> {
    if (!this.lifecycle.start()) return
    for (const roomId of await this.store.roomIds()) {
      const stored = await this.store.load(roomId)
      if (stored != null) this.restore(stored)
    }
    await this.keys.start()
    await this.sync.start()
    this.gossip.start()
    this.host.addEventListener('peer:connect', this.onPeerConnect)
    for (const room of this.rooms.all()) {
      await this.own.markRunning(room)
      if (room.meta.joined) {
        this.gossip.subscribe(room)
        void this.sync.dialMembers(room)
      }
    }
    await this.keyMoves.atStart(await this.keyStatements?.())
    this.timers.push(
      setInterval(() => this.antiEntropy(), this.syncIntervalMs).unref(),
      setInterval(() => this.keys.retry(), this.keyRetryIntervalMs).unref(),
    )
  }

  async stop(): Promise<void> {
    await this.lifecycle.stop(() => {
      for (const timer of this.timers.splice(0)) clearInterval(timer)
      this.host.removeEventListener('peer:connect', this.onPeerConnect)
    })
    this.gossip.stop()
    await this.sync.stop()
    await this.keys.stop()
    for (const room of this.rooms.all()) this.persistence.saveChains(room)
    await Promise.all([...this.rooms.all()].map((room) => this.persistence.settled(room)))
    for (const room of this.rooms.all()) await this.own.markCleanStop(room)
  }

  // ---- the public operations ------------------------------------------------------------

  /** Before restarting under `next`: our rooms' MOVE_KEYs (room-key-moves.ts); their ids. */
  handOverKey(next: Ed25519KeyPair, statements: AccountKeyStatements): Promise<string[]> {
    return this.lifecycle.track(() => this.keyMoves.handOver(next, statements))
  }

  /**
   * Our account's device list changed (or was loaded): every room we are in gets it, and a
   * device it no longer names reads nothing we write from now on (room-devices.ts).
   */
  ownDevicesChanged(): Promise<void> {
    return this.lifecycle.track(() => this.devices.listChanged())
  }

  /**
   * Creates a room we own; its invite carries the invite secret when it is invite-only. Our
   * profile goes in at once, as on joining.
   */
  async create(
    name: string,
    options: { inviteOnly?: boolean } = {},
  ): Promise<{ roomId: string; invite: string; room: RoomSummary }> {
    const created = await this.joining.create(name, options)
    await this.profiles.publish(created.roomId)
    return created
  }

  /**
   * Joins by room id (open rooms) or invite code: fetches the room from a member (the
   * inviter, `via`, or any connected peer that has it), then publishes our JOIN and profile.
   */
  async join(roomOrInvite: string, options: { via?: string[] } = {}): Promise<RoomSummary> {
    const joined = await this.joining.join(roomOrInvite, options)
    await this.profiles.publish(joined.roomId)
    return joined
  }

  /** Puts our current profile in each room we write in that lacks it (room-profiles.ts). */
  publishProfile(): Promise<void> {
    return this.lifecycle.track(() => this.profiles.publish())
  }

  /** Whether a member (account key, hex) is in a room we are in. */
  sharesRoomWith(memberHex: string): boolean {
    return this.profiles.sharesRoomWith(memberHex)
  }

  /** The last profile each other member put in our rooms (or in one), for node/profiles. */
  memberProfiles(roomIdHex?: string): RoomProfile[] {
    return this.profiles.latest(roomIdHex)
  }

  leave(roomIdHex: string): Promise<RoomSummary> {
    return this.memberOps.leave(roomIdHex)
  }

  remove(roomIdHex: string, member: string): Promise<RoomMembersChange> {
    return this.memberOps.remove(roomIdHex, member)
  }

  setRole(roomIdHex: string, member: string, role: 'admin' | 'member'): Promise<RoomMembersChange> {
    return this.memberOps.setRole(roomIdHex, member, role)
  }

  rename(roomIdHex: string, name: string): Promise<RoomSummary> {
    return this.memberOps.rename(roomIdHex, name)
  }

  /** The invite code to hand out (invite-only rooms: owners and admins only). */
  invite(roomIdHex: string): { roomId: string; invite: string } {
    return this.joining.invite(roomIdHex)
  }

  /**
   * Sends a message; `replyTo` names the room message it answers (doc/message-actions.md),
   * `mentions` members by account key or peer id (MemberNotFoundError for anyone else),
   * `attachment` a file the node's attachments offer to the members.
   */
  async send(
    roomIdHex: string,
    text: string,
    options: RoomSendOptions = {},
  ): Promise<RoomMessageView> {
    const room = this.rooms.requireMember(roomIdHex)
    const content: RoomContentValue = { text }
    if (options.replyTo != null) content.replyTo = fromHex(options.replyTo)
    if (options.forwarded === true) content.forwarded = true
    if (options.style != null) content.style = options.style
    if (options.attachment != null) content.attachment = options.attachment
    const mentions = [...new Set(options.mentions?.map((m) => this.rooms.memberKey(room, m)))]
    if (mentions.length > 0) content.mentions = mentions.map(fromHex)
    return this.views.message(room, await this.own.send(room, content))
  }

  /** The files of shown messages, in every room we are in or of one message (attachments). */
  fileOffers(only?: { roomId: string; messageId: string }): RoomFileOffer[] {
    const rooms = only == null ? [...this.rooms.all()] : [this.rooms.require(only.roomId)]
    return rooms.flatMap((room) => roomFileOffers(room, this.views, this.selfHex, only?.messageId))
  }

  /** Every key but ours that reads the room now (hex): who may fetch its files from us. */
  readersOf(roomIdHex: string): string[] {
    const room = this.rooms.get(roomIdHex)
    return room == null ? [] : roomReaders(room, this.selfHex, this.devices.ownDevices())
  }

  /**
   * Edits, recalls or reacts to message `id` (room-actions.ts); resolves with it as it is now.
   * Throws RoomMessageNotFoundError, RoomActionPermissionError, RoomRecallTooLateError.
   */
  async act(roomIdHex: string, id: string, request: RoomActionRequest): Promise<RoomMessageView> {
    const room = this.rooms.requireMember(roomIdHex)
    const target = checkRoomAction(room, this.views, this.selfHex, id, request, this.recallWindowMs)
    const action = { type: request.type, target: fromHex(id), emoji: request.emoji }
    await this.own.send(room, { text: request.type === 'edit' ? (request.text ?? '') : '', action })
    return this.views.message(room, target)
  }

  /**
   * A page of the room's messages, oldest first: the newest `limit` (at most
   * MAX_HISTORY_PAGE) of those before the message `before` names, or of all. A page is named
   * by its oldest message, whose place in the total order never changes, so a message that
   * arrives late shows on the page where it sorts and shifts no other page.
   */
  history(
    roomIdHex: string,
    options: { limit?: number; before?: string } = {},
  ): RoomHistoryResponse {
    return this.views.history(this.rooms.require(roomIdHex), roomIdHex, options)
  }

  markRead(roomIdHex: string): RoomSummary {
    const room = this.rooms.require(roomIdHex)
    const visible = this.views.visible(room)
    const before = room.meta.readLamport
    room.meta.readLamport = Math.max(before, visible.at(-1)?.event.lamport ?? 0)
    void this.persistence.persist(room, [RoomStore.meta(room.meta)])
    if (room.meta.readLamport > before) this.onRead(roomIdHex, room.meta.readLamport)
    return this.views.summary(room)
  }

  /**
   * Another device of our account read the room up to Lamport time `lamport`: so it is here
   * (a mark only moves forward, so taking it twice changes nothing). A room not here is left.
   */
  takeReadMark(roomIdHex: string, lamport: number): void {
    const room = this.rooms.get(roomIdHex)
    if (room == null || lamport <= room.meta.readLamport) return
    room.meta.readLamport = lamport
    void this.persistence.persist(room, [RoomStore.meta(room.meta)])
    const unread = this.views.unreadCount(room, this.views.visible(room))
    this.tell('room:read', { roomId: roomIdHex, unread })
  }

  members(roomIdHex: string): RoomMembersChange {
    return this.views.members(this.rooms.require(roomIdHex))
  }

  /** Every room we are or were in, most recent activity first. */
  listRooms(): RoomSummary[] {
    return [...this.rooms.all()]
      .map((room) => this.views.summary(room))
      .sort((a, b) => (b.lastMessageAt ?? 0) - (a.lastMessageAt ?? 0))
  }

  /** Gossip messages our validators refused, by propagating peer (tests, diagnostics). */
  rejectedBy(peerId: string): number {
    return this.gossip.rejectedBy(peerId)
  }

  /** Ids (hex) of the sender keys we hold from `author` in a room (tests, diagnostics). */
  senderKeyIds(roomIdHex: string, authorHex: string): string[] {
    return [...(this.rooms.require(roomIdHex).received.get(authorHex)?.keys() ?? [])]
  }

  /** The member `keyHex` writes for in a room now, if any (tests, diagnostics). */
  writesFor(roomIdHex: string, keyHex: string): string | undefined {
    return this.rooms.require(roomIdHex).log.memberOf(keyHex)
  }

  /** The room's events as signed bytes, in total order (tests, diagnostics). */
  heldEvents(roomIdHex: string): readonly SignedRoomEvent[] {
    return this.rooms.require(roomIdHex).log.ordered()
  }

  /** Fetches from `peer` what we miss of a room; resolves with the number of new events. */
  syncWith(
    room: RoomRuntime | string,
    peer: PeerId,
    options: { force?: boolean; inviteProof?: Uint8Array } = {},
  ): Promise<number> {
    const runtime = typeof room === 'string' ? this.rooms.require(room) : room
    return this.sync.syncWith(runtime, peer, options)
  }

  // ---- wiring ----------------------------------------------------------------------------

  /** A member connected: catch up with it, and hand it the bundles waiting for it. */
  private readonly onPeerConnect = (evt: CustomEvent<PeerId>): void => {
    const peer = evt.detail
    const key = peer.publicKey?.type === 'Ed25519' ? toHex(peer.publicKey.raw) : undefined
    if (key == null) return
    for (const room of this.rooms.all()) {
      if (!room.meta.joined || room.log.memberOf(key) == null) continue
      void this.syncWith(room, peer)
      if (room.outgoing.has(key)) void this.keys.flush(key)
    }
  }

  /** Tells the node's parts (on the service), then the local API (through `emit`). */
  private tell<T extends keyof RoomServiceEvents>(type: T, data: RoomServiceEvents[T]): void {
    this.safeDispatchEvent(type, { detail: data })
    this.emitEvent(type, data)
  }

  /** Every sync interval: write the chains that advanced, and fill gaps from one member. */
  private antiEntropy(): void {
    for (const room of this.rooms.all()) this.persistence.saveChains(room)
    this.sync.antiEntropy()
  }

  /** Rebuilds a stored room and shows nothing of it again. */
  private restore(stored: StoredRoom): void {
    const room = restoreRoom(
      stored,
      openEvents(stored.events, this.log),
      this.rooms,
      this.selfHex,
      this.log,
    )
    if (room != null) this.intake.replay(room)
  }
}
