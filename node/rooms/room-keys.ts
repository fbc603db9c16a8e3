/**
 * Sender keys between members: our chain handed to the others, theirs taken in.
 *
 * Guarantees, and how they are kept:
 * - Every other reader (each member's account key and enrolled devices, and our account's
 *   other devices: `readers`) gets our current chain, sealed to its key (and, for admins
 *   of an invite-only room, the invite secret): the sealed bundle is kept in `outgoing` and
 *   on disk until the member's node acknowledges it, and retried with backoff, every
 *   `keyRetryIntervalMs`, and when the member connects. A bundle replaced or dropped
 *   meanwhile (a rekey, a removal) is not marked delivered by the old ack.
 * - A member who left or was removed gets nothing more: its pending bundles are dropped, and
 *   `rekey` starts a fresh chain for the members who stay (the caller decides when).
 * - A bundle we receive is stored before we acknowledge it (so an acknowledged key is never
 *   lost), only from a key the room knows and only if its signer is its carrier; then the
 *   messages that waited for it are decrypted (`unlock`).
 */
import type { Logger } from '@libp2p/interface'
import { fromHex, toHex } from '../../protocol/bytes.ts'
import type { Ed25519KeyPair } from '../../protocol/crypto/index.ts'
import {
  memberOf,
  openKeyBundle,
  ReceivedSenderKey,
  SenderKeyChain,
  sealKeyBundle,
  serializeSenderKey,
} from '../../protocol/rooms/index.ts'
import type { RoomPersistence } from './room-persistence.ts'
import type { RoomRegistry } from './room-registry.ts'
import { type RoomRuntime, readers } from './room-runtime.ts'
import { RoomStore, type RoomWrite } from './room-store.ts'
import type { SenderKeyTransport } from './sender-key-transport.ts'

export interface RoomKeysComponents {
  identity: Ed25519KeyPair
  selfHex: string
  /** The member we write for: our account key. @default selfHex (a single device) */
  accountHex?: string
  /** Our account's other current devices (hex), which read what we write. @default none */
  ownDevices?(): string[]
  /** A bundle from one of our own devices for a room we do not hold yet (room-devices.ts). */
  unknownRoom?(roomIdHex: string, fromHex: string): void
  rooms: RoomRegistry
  persistence: Pick<RoomPersistence, 'persist' | 'persistOwn' | 'writeNow'>
  transport: SenderKeyTransport
  log: Logger
  /** False once the service stops: no delivery starts after that. */
  running(): boolean
  /** Decrypts the messages that waited for this chain (the intake). */
  unlock(room: RoomRuntime, authorHex: string, keyIdHex: string): void
  /** Longest wait between two delivery attempts to one member. */
  keyRetryIntervalMs: number
}

export class RoomKeys {
  private readonly identity: Ed25519KeyPair
  private readonly selfHex: string
  private readonly rooms: RoomRegistry
  private readonly persistence: RoomKeysComponents['persistence']
  private readonly transport: SenderKeyTransport
  private readonly log: Logger
  private readonly running: () => boolean
  private readonly unlock: RoomKeysComponents['unlock']
  private readonly keyRetryIntervalMs: number
  private readonly accountHex: string
  private readonly ownDevices: () => string[]
  private readonly unknownRoom: NonNullable<RoomKeysComponents['unknownRoom']>
  private readonly flushing = new Set<string>()
  private readonly backoff = new Map<string, number>()

  constructor(components: RoomKeysComponents) {
    this.identity = components.identity
    this.selfHex = components.selfHex
    this.accountHex = components.accountHex ?? components.selfHex
    this.ownDevices = components.ownDevices ?? (() => [])
    this.unknownRoom = components.unknownRoom ?? (() => {})
    this.rooms = components.rooms
    this.persistence = components.persistence
    this.transport = components.transport
    this.log = components.log
    this.running = components.running
    this.unlock = components.unlock
    this.keyRetryIntervalMs = components.keyRetryIntervalMs
  }

  /** Starts hearing bundles from other members. */
  async start(): Promise<void> {
    this.transport.onReceive((sender, bytes) => this.receive(sender, bytes))
    await this.transport.start()
  }

  async stop(): Promise<void> {
    await this.transport.stop()
  }

  /** A fresh sending chain, handed to every other reader. */
  rekey(room: RoomRuntime): void {
    room.chain = SenderKeyChain.generate()
    // A fresh chain lost in a crash is never used again (its key is random): no reservation
    // needs to be waited for here; the first send reserves.
    room.chainReservedUntil = 0
    this.persistence
      .persistOwn(room, [
        RoomStore.chain(room.log.roomIdHex, serializeSenderKey(room.chain.state())),
      ])
      .catch(() => {
        // Logged by persistOwn; the next send writes the chain again before using it.
      })
    this.share(room, this.readers(room))
  }

  /** Every key but ours that gets our chain now. */
  readers(room: RoomRuntime): string[] {
    return readers(room.log.membership(), this.selfHex, this.ownDevices())
  }

  /** Seals our current chain to each of `members` (hex keys of readers), stores it, then delivers it. */
  share(room: RoomRuntime, members: string[]): void {
    if (room.chain == null || members.length === 0) return
    const state = room.log.membership()
    const seed =
      room.meta.inviteSeed != null ? Buffer.from(room.meta.inviteSeed, 'base64') : undefined
    const keyIdHex = toHex(room.chain.keyId)
    const writes: RoomWrite[] = []
    const own = this.ownDevices()
    for (const member of members) {
      const account = memberOf(state, member) ?? (own.includes(member) ? this.accountHex : member)
      const role = state.members.get(account)?.role
      if (role == null) continue
      const sealed = sealKeyBundle(this.identity, {
        roomId: room.log.roomId,
        recipient: fromHex(member),
        senderKey: room.chain.state(),
        inviteSeed: role !== 'member' && seed != null ? new Uint8Array(seed) : undefined,
      })
      const pending = room.outgoing.get(member) ?? new Map<string, Uint8Array>()
      pending.set(keyIdHex, sealed)
      room.outgoing.set(member, pending)
      writes.push(RoomStore.outgoing(room.log.roomIdHex, member, keyIdHex, sealed))
    }
    void this.persistence.persist(room, writes).then(() => {
      for (const member of members) void this.flush(member)
    })
  }

  /** Forgets what was waiting for `member` in the room (it left or was removed). */
  drop(room: RoomRuntime, member: string): void {
    const pending = room.outgoing.get(member)
    if (pending == null) return
    room.outgoing.delete(member)
    void this.persistence.persist(
      room,
      [...pending.keys()].map((keyId) => RoomStore.outgoing(room.log.roomIdHex, member, keyId)),
    )
  }

  /** Delivers every bundle waiting for `member`, in every room; keeps what fails. */
  async flush(member: string): Promise<void> {
    if (this.flushing.has(member) || !this.running()) return
    this.flushing.add(member)
    try {
      for (const room of this.rooms.all()) {
        const pending = room.outgoing.get(member)
        if (pending == null) continue
        for (const [keyId, sealed] of [...pending]) {
          await this.transport.sendToMember(fromHex(member), sealed)
          if (room.outgoing.get(member)?.get(keyId) === sealed) {
            pending.delete(keyId)
            if (pending.size === 0) room.outgoing.delete(member)
            await this.persistence.persist(room, [
              RoomStore.outgoing(room.log.roomIdHex, member, keyId),
            ])
          }
        }
      }
      this.backoff.delete(member)
    } catch (err) {
      this.log(
        'sender key for %s not delivered yet: %s',
        member.slice(0, 16),
        (err as Error).message,
      )
      // Try again soon, then less and less often, up to the retry interval.
      const delay = Math.min((this.backoff.get(member) ?? 100) * 2, this.keyRetryIntervalMs)
      this.backoff.set(member, delay)
      setTimeout(() => void this.flush(member), delay).unref()
    } finally {
      this.flushing.delete(member)
    }
  }

  /** Tries again every member something is waiting for. */
  retry(): void {
    const members = new Set<string>()
    for (const room of this.rooms.all())
      for (const member of room.outgoing.keys()) members.add(member)
    for (const member of members) void this.flush(member)
  }

  /** A bundle from `sender` (authenticated by the carrier); throws to refuse it. */
  async receive(sender: Uint8Array, bytes: Uint8Array): Promise<void> {
    const bundle = openKeyBundle(this.identity, bytes)
    if (toHex(bundle.sender) !== toHex(sender)) {
      throw new Error('the key bundle is signed by someone else than its carrier')
    }
    const room = this.rooms.get(toHex(bundle.roomId))
    const authorHex = toHex(sender)
    if (room == null) {
      // One of our own devices writes in a room we do not hold: we fetch and enrol, and take
      // the bundle on its next try.
      if (this.ownDevices().includes(authorHex)) this.unknownRoom(toHex(bundle.roomId), authorHex)
      throw new Error('a key bundle for a room we are not in')
    }
    // Only from keys the room knows: a stranger cannot make us store chains for nothing.
    if (!room.log.knowsKey(authorHex) && !this.ownDevices().includes(authorHex))
      throw new Error('a key bundle from a key the room does not know')
    const keyIdHex = toHex(bundle.senderKey.keyId)
    const keys = room.received.get(authorHex) ?? new Map<string, ReceivedSenderKey>()
    room.received.set(authorHex, keys)
    const writes: RoomWrite[] = []
    if (bundle.inviteSeed != null && room.meta.inviteSeed == null) {
      room.meta.inviteSeed = Buffer.from(bundle.inviteSeed).toString('base64')
      writes.push(RoomStore.meta(room.meta))
    }
    const known = keys.get(keyIdHex)
    if (known == null || known.index > bundle.senderKey.index) {
      const key = new ReceivedSenderKey(bundle.senderKey)
      keys.set(keyIdHex, key)
      writes.push(RoomStore.receivedKey(room.log.roomIdHex, authorHex, key.toJSON()))
    }
    // Stored before the ack (a bundle acknowledged is never lost), directly rather than
    // behind the room's queue of writes, so that a busy room does not stall the sender.
    await this.persistence.writeNow(writes)
    this.unlock(room, authorHex, keyIdHex)
  }
}
