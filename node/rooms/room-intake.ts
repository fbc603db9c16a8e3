/**
 * How events reach a room's log and messages reach the user: events from gossip (already
 * checked by the topic validator), from sync answers and from disk.
 *
 * Guarantees, and how they are kept:
 * - Bytes from a peer or the disk are opened (signature, format) before anything holds them;
 *   a bad one is logged and dropped, never thrown at the caller (`openEvents`).
 * - Each batch goes into the log in total order, each new event is stored once (the log says
 *   whether it was new), and a conflict (equivocation) is logged.
 * - A message is decrypted when we hold its author's chain; otherwise it waits under its key
 *   slot and is decrypted, oldest first, when the bundle arrives (`unlock`). A failed
 *   decryption changes no state.
 * - Every message is shown (`room:message`) exactly once, when it is decrypted, ready and
 *   valid, and a batch is shown in total order. Restored rooms show nothing again (`replay`).
 */
import type { Logger } from '@libp2p/interface'
import { toHex } from '../../protocol/bytes.ts'
import type { RoomMessageView } from '../../protocol/local-api.ts'
import {
  compareEvents,
  decryptMessage,
  type MembershipState,
  openRoomEvent,
  type SignedRoomEvent,
  UnknownSenderKeyError,
} from '../../protocol/rooms/index.ts'
import type { RoomPersistence } from './room-persistence.ts'
import { extrasOf, type RoomRuntime } from './room-runtime.ts'
import { RoomStore, type RoomWrite } from './room-store.ts'
import type { RoomViews } from './room-views.ts'

export interface RoomIntakeComponents {
  /** Our own key: our own messages are never decrypted (we wrote them). */
  selfHex: string
  views: RoomViews
  persistence: Pick<RoomPersistence, 'persist'>
  log: Logger
  /** Called once per batch whose events changed the membership. */
  membershipChanged(room: RoomRuntime, before: MembershipState, after: MembershipState): void
  /** A message became visible. */
  show(message: RoomMessageView): void
  /** A visible message changed: an action on it became visible (room-actions.ts). */
  update?(message: RoomMessageView): void
  /** An op we did not hold came in (a PROFILE op is read from it: room-profiles.ts). */
  opAdded?(room: RoomRuntime, event: SignedRoomEvent): void
}

/** Opens signed events; bad ones are logged and left out. */
export function openEvents(events: Uint8Array[], log: Logger): SignedRoomEvent[] {
  const opened: SignedRoomEvent[] = []
  for (const bytes of events) {
    try {
      opened.push(openRoomEvent(bytes))
    } catch (err) {
      log('dropped a bad event from sync: %s', (err as Error).message)
    }
  }
  return opened
}

export class RoomIntake {
  private readonly selfHex: string
  private readonly views: RoomViews
  private readonly persistence: Pick<RoomPersistence, 'persist'>
  private readonly log: Logger
  private readonly membershipChanged: RoomIntakeComponents['membershipChanged']
  private readonly show: RoomIntakeComponents['show']
  private readonly update: NonNullable<RoomIntakeComponents['update']>
  private readonly opAdded: NonNullable<RoomIntakeComponents['opAdded']>

  constructor(components: RoomIntakeComponents) {
    this.selfHex = components.selfHex
    this.views = components.views
    this.persistence = components.persistence
    this.log = components.log
    this.membershipChanged = components.membershipChanged
    this.show = components.show
    this.update = components.update ?? (() => {})
    this.opAdded = components.opAdded ?? (() => {})
  }

  /** Takes checked events in: stores them, decrypts what it can, shows what became visible. */
  ingest(room: RoomRuntime, events: SignedRoomEvent[]): void {
    const before = room.log.membership()
    let membershipChanged = false
    const candidates: string[] = []
    const writes: RoomWrite[] = []
    const ops: SignedRoomEvent[] = []
    for (const event of [...events].sort(compareEvents)) {
      const result = room.log.ingest(event)
      if (result.status !== 'added') {
        if (result.status === 'conflict') {
          this.log('room %s: %s', room.log.roomIdHex, result.reason)
        }
        continue
      }
      writes.push(RoomStore.event(room.log.roomIdHex, event.idHex, event.bytes))
      membershipChanged ||= result.membershipChanged
      if (event.event.op != null) ops.push(event)
      candidates.push(...result.released)
      if (event.event.message != null && this.decrypt(room, event, writes)) {
        candidates.push(event.idHex)
      }
    }
    void this.persistence.persist(room, writes)
    if (membershipChanged) this.membershipChanged(room, before, room.log.membership())
    for (const op of ops) this.opAdded(room, op)
    this.showNew(room, candidates)
  }

  /** After a restore: decrypts what it can and marks what is visible as already shown. */
  replay(room: RoomRuntime): void {
    const writes: RoomWrite[] = []
    for (const event of room.log.ordered()) {
      if (event.event.message != null) this.decrypt(room, event, writes)
      if (this.views.isVisible(room, event)) room.shown.add(event.idHex)
    }
    void this.persistence.persist(room, writes)
  }

  /** Decrypts the messages that waited for this key, oldest first. */
  unlock(room: RoomRuntime, authorHex: string, keyIdHex: string): void {
    const slot = `${authorHex}:${keyIdHex}`
    const waiting = room.locked.get(slot)
    if (waiting == null) return
    room.locked.delete(slot)
    const writes: RoomWrite[] = []
    const events = [...waiting]
      .map((id) => room.log.get(id)!)
      .sort((a, b) => a.event.message!.index - b.event.message!.index)
    const opened = events.filter((event) => this.decrypt(room, event, writes)).map((e) => e.idHex)
    void this.persistence.persist(room, writes)
    this.showNew(room, opened)
  }

  /** Shows, in total order, those of `candidates` that became visible and were not shown. */
  showNew(room: RoomRuntime, candidates: string[]): void {
    const fresh = [...new Set(candidates)]
      .map((id) => room.log.get(id)!)
      .filter((event) => !room.shown.has(event.idHex) && this.views.isVisible(room, event))
      .sort(compareEvents)
    for (const event of fresh) {
      room.shown.add(event.idHex)
      const action = room.extras.get(event.idHex)?.action
      if (action == null) {
        this.show(this.views.message(room, event))
        continue
      }
      // An action shows as its effect; one whose target is not shown yet shows with it.
      const target = room.log.get(action.target)
      if (target != null && room.shown.has(target.idHex)) {
        this.update(this.views.message(room, target))
      }
    }
  }

  /** Decrypts a message if we hold its key; queues its text for writing. */
  private decrypt(room: RoomRuntime, event: SignedRoomEvent, writes: RoomWrite[]): boolean {
    if (event.authorHex === this.selfHex || room.texts.has(event.idHex)) return false
    const keyIdHex = toHex(event.event.message!.keyId)
    const key = room.received.get(event.authorHex)?.get(keyIdHex)
    try {
      if (key == null) throw new UnknownSenderKeyError('no sender key yet')
      const content = decryptMessage(event, key)
      room.texts.set(event.idHex, content.text)
      writes.push(RoomStore.text(room.log.roomIdHex, event.idHex, content.text))
      const extras = extrasOf(content)
      if (extras != null) {
        room.extras.set(event.idHex, extras)
        writes.push(RoomStore.extras(room.log.roomIdHex, event.idHex, extras))
      }
      // The chain's new position is written later (saveChains): after a crash the older
      // position on disk still derives every key not used yet, and what was read is on disk.
      room.dirtyKeys.add(`${event.authorHex}:${keyIdHex}`)
      return true
    } catch (err) {
      if (err instanceof UnknownSenderKeyError) {
        const slot = `${event.authorHex}:${keyIdHex}`
        const waiting = room.locked.get(slot) ?? new Set<string>()
        waiting.add(event.idHex)
        room.locked.set(slot, waiting)
      } else {
        // From before we were given this key (before we joined), or damaged: not for us.
        this.log(
          'room %s: message %s not readable: %s',
          room.log.roomIdHex,
          event.idHex,
          (err as Error).message,
        )
      }
      return false
    }
  }
}
