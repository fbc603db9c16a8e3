/**
 * Our own events: messages and membership ops we write, from the reservation to the publish.
 *
 * Guarantees, and how they are kept:
 * - No chain position (message key) and no seq is ever used twice, without a write per send:
 *   both are reserved on disk RESERVATION at a time (`reserve`), and a send waits for a write
 *   only when its reservation is used up. A clean stop writes a mark (`markCleanStop`); a
 *   start clears it (`markRunning`). After an unclean stop the restored chain is already past
 *   its reservation (room-persistence.ts), and our next event first learns from up to three
 *   connected members which of our seqs they hold, then takes seqs above the reservation
 *   (`recover`). Every event waits for the one recovery under way.
 * - Nothing is published that is not on disk: the reservation writes (and an op's event)
 *   are awaited on our own write queue, which rejects on failure; a message's event is
 *   written beside its publish and `send` resolves only once both are done.
 * - Our event enters our log first (it must: it is built on it), our message is shown at
 *   once, and a membership op's reactions run after its publish.
 */
import type { PeerId } from '@libp2p/interface'
import type { Ed25519KeyPair } from '../../protocol/crypto/index.ts'
import {
  buildMessage,
  buildOp,
  type RoomContentValue,
  type SignedRoomEvent,
  serializeSenderKey,
} from '../../protocol/rooms/index.ts'
import type { RoomGossip } from './room-gossip.ts'
import type { RoomIntake } from './room-intake.ts'
import type { RoomKeys } from './room-keys.ts'
import type { RoomMembership } from './room-membership.ts'
import type { RoomPersistence } from './room-persistence.ts'
import { extrasOf, type RoomRuntime } from './room-runtime.ts'
import { RoomStore, type RoomWrite } from './room-store.ts'
import type { RoomSync } from './room-sync.ts'

/**
 * Chain positions and seqs reserved on disk at a time. A send below the reservation needs no
 * write before its ciphertext leaves; after a crash the node resumes past the reservation,
 * so no message key and no seq is ever used twice.
 */
export const RESERVATION = 64

/** Members asked for our own latest events after an unclean stop. */
const RECOVERY_PEERS = 3

export type OpFields = Parameters<typeof buildOp>[2]

export interface OwnEventsComponents {
  identity: Ed25519KeyPair
  selfHex: string
  persistence: Pick<RoomPersistence, 'persistOwn'>
  gossip: Pick<RoomGossip, 'publish'>
  keys: Pick<RoomKeys, 'rekey'>
  intake: Pick<RoomIntake, 'showNew'>
  membership: Pick<RoomMembership, 'changed'>
  sync: {
    connectedMembers(room: RoomRuntime): PeerId[]
    syncWith: RoomSync['syncWith']
  }
}

export class OwnEvents {
  private readonly components: OwnEventsComponents

  constructor(components: OwnEventsComponents) {
    this.components = components
  }

  /** Encrypts, signs and publishes a message; resolves once it is on disk and published. */
  async send(room: RoomRuntime, message: string | RoomContentValue): Promise<SignedRoomEvent> {
    const content = typeof message === 'string' ? { text: message } : message
    const { identity, persistence, gossip, keys, intake } = this.components
    if (room.chain == null) keys.rekey(room)
    await this.reserve(room, true)
    // From here to the publish nothing waits: the reservation covers this key and seq.
    const event = buildMessage(identity, room.log, room.chain!, content)
    this.accept(room, event)
    room.texts.set(event.idHex, content.text)
    const writes = [
      RoomStore.event(room.log.roomIdHex, event.idHex, event.bytes),
      RoomStore.text(room.log.roomIdHex, event.idHex, content.text),
    ]
    const extras = extrasOf(content)
    if (extras != null) {
      room.extras.set(event.idHex, extras)
      writes.push(RoomStore.extras(room.log.roomIdHex, event.idHex, extras))
    }
    const written = persistence.persistOwn(room, writes)
    intake.showNew(room, [event.idHex])
    await gossip.publish(room, event)
    await written
    return event
  }

  /** Signs, stores and publishes a membership op, then reacts to the change it made. */
  async publishOp(room: RoomRuntime, op: OpFields): Promise<SignedRoomEvent> {
    const { identity, persistence, gossip, membership } = this.components
    await this.reserve(room, false)
    const before = room.log.membership()
    const event = buildOp(identity, room.log, op)
    const changed = this.accept(room, event)
    await persistence.persistOwn(room, [
      RoomStore.event(room.log.roomIdHex, event.idHex, event.bytes),
      RoomStore.meta(room.meta),
    ])
    await gossip.publish(room, event)
    if (changed) membership.changed(room, before, room.log.membership())
    return event
  }

  /** On start: until a clean stop says otherwise, our last writes may be missing. */
  async markRunning(room: RoomRuntime): Promise<void> {
    if (!room.reservation.cleanStop) return
    room.reservation = { ...room.reservation, cleanStop: false }
    await this.components.persistence.persistOwn(room, [
      RoomStore.reservation(room.log.roomIdHex, room.reservation),
    ])
  }

  /** On stop, once every write is done: the next start needs no recovery. */
  async markCleanStop(room: RoomRuntime): Promise<void> {
    room.reservation = { ...room.reservation, cleanStop: true }
    const write = RoomStore.reservation(room.log.roomIdHex, room.reservation)
    await this.components.persistence.persistOwn(room, [write]).catch(() => {
      // Logged; the next start then recovers as after a crash, which is safe.
    })
  }

  /**
   * Makes sure the next seq (and, for a message, the next chain position) are reserved on
   * disk, writing a new reservation only when the current one is used up. After an unclean
   * stop, first asks members for our own latest events, so that no seq is used twice.
   */
  private async reserve(room: RoomRuntime, forMessage: boolean): Promise<void> {
    const { selfHex, persistence } = this.components
    // Every event of ours waits for the one recovery under way: none may take a seq before
    // the floor is set, and a second recovery would only repeat the first one's syncs.
    if (room.recovering) {
      room.recovery ??= this.recover(room).finally(() => {
        room.recovery = undefined
      })
      await room.recovery
    }
    for (;;) {
      const nextSeq = room.log.nextEventFields(selfHex).seq
      const chain = room.chain
      const chainShort = forMessage && chain != null && chain.index >= room.chainReservedUntil
      const seqShort = nextSeq > room.reservation.seqReservedUntil
      if (!chainShort && !seqShort) return
      const writes: RoomWrite[] = []
      if (chainShort) {
        const reservedUntil = chain.index + RESERVATION
        writes.push(
          RoomStore.chain(room.log.roomIdHex, {
            ...serializeSenderKey(chain.state()),
            reservedUntil,
          }),
        )
        await persistence.persistOwn(room, writes.splice(0))
        room.chainReservedUntil = Math.max(room.chainReservedUntil, reservedUntil)
      }
      if (seqShort) {
        room.reservation = {
          seqReservedUntil: Math.max(room.reservation.seqReservedUntil, nextSeq - 1 + RESERVATION),
          cleanStop: false,
        }
        await persistence.persistOwn(room, [
          RoomStore.reservation(room.log.roomIdHex, room.reservation),
        ])
      }
    }
  }

  /** After an unclean stop: learn from members which of our seqs are taken, else skip them all. */
  private async recover(room: RoomRuntime): Promise<void> {
    const { selfHex, sync } = this.components
    const peers = sync.connectedMembers(room)
    for (const peer of peers.slice(0, RECOVERY_PEERS)) {
      await sync.syncWith(room, peer, { force: true })
    }
    // What no member we reached holds may still be out there: never reuse those seqs. The gap
    // this may leave costs later syncs a little; a reused seq would lose the message.
    room.log.setSeqFloor(selfHex, room.reservation.seqReservedUntil)
    room.recovering = false
  }

  /** Adds our own event to the log; returns whether membership changed. */
  private accept(room: RoomRuntime, event: SignedRoomEvent): boolean {
    const result = room.log.ingest(event)
    if (result.status !== 'added') {
      throw new Error(`our own event was not accepted: ${result.status}`)
    }
    return result.membershipChanged
  }
}
