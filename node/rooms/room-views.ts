/**
 * What the API shows of a room: message views, history pages, member lists, summaries with
 * unread and held counts. A message is visible once it is decrypted, ready (everything it
 * links is here) and valid (its author was a member at its place in the order). A message
 * from a member's enrolled device shows as the member's (member-devices.ts).
 */

import { fromHex } from '../../protocol/bytes.ts'
import { MAX_HISTORY_PAGE } from '../../protocol/limits.ts'
import type {
  RoomHistoryResponse,
  RoomMembersChange,
  RoomMemberView,
  RoomMessageView,
  RoomRole,
  RoomSummary,
} from '../../protocol/local-api.ts'
import { compareEvents, type SignedRoomEvent } from '../../protocol/rooms/index.ts'
import { fingerprint, peerIdOf } from '../identity/index.ts'
import { RoomHistoryCursorError } from './errors.ts'
import { decorate, effectsOf, isAction, memberAt, type RoomEffects } from './room-actions.ts'
import type { RoomRuntime } from './room-runtime.ts'
import type { RoomWrite } from './room-store.ts'

export interface RoomViewsOptions {
  /** Writes the deletion of a recalled text (room-actions.ts). */
  persist?: (room: RoomRuntime, writes: RoomWrite[]) => void
  /** @default RECALL_WINDOW_MS */
  recallWindowMs?: number
  /** This device's key, when it is not the account key (a linked device). @default selfHex */
  deviceHex?: string
}

export class RoomViews {
  private readonly selfHex: string
  private readonly peerIds = new Map<string, string>()
  private readonly options: RoomViewsOptions

  /** `selfHex`: our member key (our account key), to tell our messages and our role. */
  constructor(selfHex: string, options: RoomViewsOptions = {}) {
    this.selfHex = selfHex
    this.options = options
  }

  /** A message (see the file header), or the line a member's effective key move leaves. */
  isVisible(room: RoomRuntime, event: SignedRoomEvent): boolean {
    if (!room.log.isReady(event.idHex)) return false
    if (event.event.message == null) return room.log.movedFrom(event) != null
    return room.texts.has(event.idHex) && room.log.isValidMessage(event)
  }

  /** The visible messages, without actions (they show as their effect on their target). */
  visible(room: RoomRuntime): SignedRoomEvent[] {
    return room.log
      .ordered()
      .filter((event) => this.isVisible(room, event) && !isAction(room, event.idHex))
  }

  /** What the room's actions did to its messages (room-actions.ts). */
  effects(room: RoomRuntime): Map<string, RoomEffects> {
    return effectsOf(
      room,
      (event) => this.isVisible(room, event),
      (writes) => this.options.persist?.(room, writes),
      this.options.recallWindowMs,
    )
  }

  message(room: RoomRuntime, event: SignedRoomEvent): RoomMessageView {
    const movedFrom = room.log.movedFrom(event)
    const keyChange =
      movedFrom == null
        ? undefined
        : {
            previousPeerId: this.peerIdText(movedFrom),
            fingerprint: fingerprint(event.event.author),
          }
    const view: RoomMessageView = {
      roomId: room.log.roomIdHex,
      id: event.idHex,
      author: this.memberOf(room, event),
      authorPeerId: this.peerIdText(this.memberOf(room, event)),
      text: room.texts.get(event.idHex) ?? '',
      sentAt: event.event.sentAtMs,
      lamport: event.event.lamport,
      mine: this.memberOf(room, event) === this.selfHex,
      ...(keyChange != null && {
        keyChange,
        text: `changed their key; new fingerprint ${keyChange.fingerprint}`,
      }),
    }
    if (!room.extras.has(event.idHex) && !this.effects(room).has(event.idHex)) return view
    return decorate(room, view, this.effects(room), this.selfHex, (key) => this.peerIdText(key))
  }

  /** The member an event is from: its author, or the account of the device that wrote it. */
  memberOf(room: RoomRuntime, event: SignedRoomEvent): string {
    return event.authorHex === this.selfHex ? this.selfHex : memberAt(room, event)
  }

  peerIdText(keyHex: string): string {
    let text = this.peerIds.get(keyHex)
    if (text == null) {
      text = peerIdOf({ publicKey: fromHex(keyHex) }).toString()
      this.peerIds.set(keyHex, text)
    }
    return text
  }

  members(room: RoomRuntime): RoomMembersChange {
    const state = room.log.membership()
    const order: Record<RoomRole, number> = { owner: 0, admin: 1, member: 2 }
    const members: RoomMemberView[] = [...state.members]
      .map(([key, record]) => ({
        publicKey: key,
        peerId: this.peerIdText(key),
        role: record.role,
        online: null,
      }))
      .sort((a, b) => order[a.role] - order[b.role] || a.publicKey.localeCompare(b.publicKey))
    return { roomId: room.log.roomIdHex, name: state.name, members }
  }

  summary(room: RoomRuntime): RoomSummary {
    const state = room.log.membership()
    const visible = this.visible(room)
    const last = visible.at(-1)
    return {
      roomId: room.log.roomIdHex,
      name: state.name,
      inviteOnly: state.inviteOnly,
      // Our account's role, while this device writes for it.
      role:
        room.log.memberOf(this.options.deviceHex ?? this.selfHex) != null
          ? (state.members.get(this.selfHex)?.role ?? null)
          : null,
      members: state.members.size,
      unread: this.unreadCount(room, visible),
      held: this.heldCount(room, visible.length),
      lastMessage: last == null ? null : this.message(room, last),
      lastMessageAt: last?.event.sentAtMs ?? null,
    }
  }

  /**
   * A page of the room's messages, oldest first: the newest `limit` (at most
   * MAX_HISTORY_PAGE) of those before the message `before` names, or of all. A page is named
   * by its oldest message, whose place in the total order never changes, so a message that
   * arrives late shows on the page where it sorts and shifts no other page. `roomIdHex` is
   * the id as the caller wrote it, echoed back.
   */
  history(
    room: RoomRuntime,
    roomIdHex: string,
    options: { limit?: number; before?: string },
  ): RoomHistoryResponse {
    const visible = this.visible(room)
    let end = visible.length
    if (options.before != null) {
      const anchor = room.log.get(options.before.toLowerCase())
      if (anchor == null) {
        throw new RoomHistoryCursorError(
          `no message ${options.before} in room ${roomIdHex}: pass "nextBefore" of the page after`,
        )
      }
      end = countBefore(visible, anchor)
    }
    const limit = Math.min(Math.max(1, options.limit ?? 100), MAX_HISTORY_PAGE)
    const start = Math.max(0, end - limit)
    return {
      roomId: roomIdHex,
      messages: visible.slice(start, end).map((event) => this.message(room, event)),
      held: this.heldCount(room, visible.length),
      unread: this.unreadCount(room, visible),
      nextBefore: start > 0 ? visible[start].idHex : null,
    }
  }

  unreadCount(room: RoomRuntime, visible: SignedRoomEvent[]): number {
    return visible.filter(
      (event) =>
        event.event.message != null &&
        this.memberOf(room, event) !== this.selfHex &&
        event.event.lamport > room.meta.readLamport,
    ).length
  }

  /** Valid messages after we joined that cannot be shown yet (no key, or a missing link). */
  heldCount(room: RoomRuntime, visibleCount: number): number {
    const since = room.log.membership().members.get(this.selfHex)?.since
    const joinedAt = since != null ? room.log.get(since) : undefined
    if (joinedAt == null) return 0
    let valid = 0
    for (const event of room.log.ordered()) {
      if (event.event.message == null || compareEvents(event, joinedAt) < 0) continue
      if (isAction(room, event.idHex)) continue
      if (room.log.isValidMessage(event)) valid++
    }
    return Math.max(0, valid - visibleCount)
  }
}

/** How many of `events` (in total order) sort before `anchor`. */
function countBefore(events: readonly SignedRoomEvent[], anchor: SignedRoomEvent): number {
  let low = 0
  let high = events.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if (compareEvents(events[middle], anchor) < 0) low = middle + 1
    else high = middle
  }
  return low
}
