/**
 * What our node does when a room's membership changes, whoever changed it (our own op, an
 * op from gossip or sync, or a join we had made before).
 *
 * Guarantees, and how they are kept:
 * - We are on a room's topic exactly while we are a member: leaving or being removed
 *   unsubscribes, marks the room not joined and drops every bundle still waiting to go out;
 *   becoming a member subscribes and hands our chain (a fresh one if we have none) to the
 *   others.
 * - Whoever left or was removed, and a device its account's newer list no longer names,
 *   cannot read what we write from then on: its pending bundles are dropped and a fresh chain
 *   goes to the readers who stay only.
 * - A new member or a newly enrolled device gets our current chain (it reads from then on);
 *   a member promoted to
 *   admin of an invite-only room gets it again, now with the invite secret.
 * - Every change is told once (`room:members`), after the reactions above.
 */
import type { RoomMembersChange } from '../../protocol/local-api.ts'
import { type MembershipState, memberOf } from '../../protocol/rooms/index.ts'
import type { RoomGossip } from './room-gossip.ts'
import type { RoomKeys } from './room-keys.ts'
import type { RoomPersistence } from './room-persistence.ts'
import { type RoomRuntime, readers } from './room-runtime.ts'
import { RoomStore } from './room-store.ts'
import type { RoomViews } from './room-views.ts'

export interface RoomMembershipComponents {
  selfHex: string
  keys: Pick<RoomKeys, 'rekey' | 'share' | 'drop' | 'readers'>
  gossip: Pick<RoomGossip, 'subscribe' | 'unsubscribe'>
  persistence: Pick<RoomPersistence, 'persist'>
  views: RoomViews
  /** The members, roles or name changed. */
  changed(change: RoomMembersChange): void
}

export class RoomMembership {
  private readonly components: RoomMembershipComponents

  constructor(components: RoomMembershipComponents) {
    this.components = components
  }

  /**
   * Reacts to the step from `before` to `after`. `force`: we were a member already and
   * join again (after a restart, or a second join): subscribe and share our chain anyway.
   */
  changed(room: RoomRuntime, before: MembershipState, after: MembershipState, force = false): void {
    const { selfHex, keys, gossip, persistence, views } = this.components
    const wasMember = memberOf(before, selfHex) != null
    const isMember = memberOf(after, selfHex) != null
    if (!isMember) {
      if (wasMember || room.meta.joined) {
        room.meta.joined = false
        room.outgoing.clear()
        gossip.unsubscribe(room)
        void persistence.persist(room, [RoomStore.meta(room.meta)])
      }
    } else if (!wasMember || force) {
      room.meta.joined = true
      gossip.subscribe(room)
      if (room.chain == null) keys.rekey(room)
      else keys.share(room, keys.readers(room))
    } else {
      const was = new Set(readers(before, selfHex))
      const now = new Set(readers(after, selfHex))
      const removed = [...was].filter((key) => !now.has(key))
      const added = [...now].filter((key) => !was.has(key))
      const promoted = [...after.members]
        .filter(([key, m]) => m.role === 'admin' && before.members.get(key)?.role === 'member')
        .map(([key]) => key)
      if (removed.length > 0) {
        for (const key of removed) keys.drop(room, key)
        // Whoever left must not read what we write from now on: a new chain, for those who stay.
        keys.rekey(room)
      } else {
        keys.share(room, [...added, ...(room.meta.inviteSeed != null ? promoted : [])])
      }
    }
    this.components.changed(views.members(room))
  }
}
