/**
 * Members' names and faces in rooms (doc/rooms.md, "Names and faces of members"): each member
 * puts its signed profile in its rooms as a PROFILE op, so a member who is not its friend
 * still sees a name and an avatar, a newcomer included (ops reach it by sync, as the member
 * list does). What a node keeps of the profiles it reads is node/profiles' business; this
 * part carries them.
 *
 * Guarantees, and how they are kept:
 * - Our profile reaches every room we write in, once per version: `publish` sends it to each
 *   room that does not hold this version from our account yet (`versionHeld` reads the
 *   room's own events, our other devices' included), so a change, a join, a key rotation (a
 *   re-signed profile) and a restart after a crash between a change and its publish all
 *   come to the same call, and calling it again sends nothing.
 * - A profile is handed on (`taken`) only from an author that writes for a member now (the
 *   member's key or an enrolled device), named by that member's account key, which the
 *   reader then matches to the profile's signer; an outsider's PROFILE op names nobody.
 */
import type { Logger } from '@libp2p/interface'
import { toHex } from '../../protocol/bytes.ts'
import { openFriendProfile } from '../../protocol/friend-profile.ts'
import { RoomOpKind, type SignedRoomEvent } from '../../protocol/rooms/index.ts'
import type { OwnEvents } from './own-events.ts'
import type { RoomRegistry } from './room-registry.ts'
import type { RoomRuntime } from './room-runtime.ts'

/** A profile a room showed: the member it came from (account key, hex) and the record. */
export interface RoomProfile {
  roomId: string
  member: string
  record: Uint8Array
}

export interface RoomProfilesComponents {
  /** This device's key (hex). */
  selfHex: string
  /** Our account's key (hex): the member we write for. */
  accountHex: string
  rooms: Pick<RoomRegistry, 'all' | 'get'>
  own: Pick<OwnEvents, 'publishOp'>
  /** Our current signed profile, if we set one (node/profiles). */
  ownProfile?(): Uint8Array | undefined
  log: Logger
}

export class RoomProfiles {
  private readonly components: RoomProfilesComponents

  constructor(components: RoomProfilesComponents) {
    this.components = components
  }

  /** The profile a PROFILE op carries, with the member its author writes for now. */
  taken(room: RoomRuntime, event: SignedRoomEvent): RoomProfile | undefined {
    const record = recordOf(event)
    const member = record == null ? undefined : room.log.memberOf(event.authorHex)
    if (record == null || member == null) return undefined
    return { roomId: room.log.roomIdHex, member, record }
  }

  /**
   * The last profile each other member put in the rooms we are in, or in `onlyRoom`: at start
   * (a profile read just before a crash is taken again) and when a room's members change (a
   * room read before we joined it held profiles we could not take then). Taking one twice
   * changes nothing.
   */
  latest(onlyRoom?: string): RoomProfile[] {
    const last = new Map<string, RoomProfile>()
    const rooms =
      onlyRoom == null ? [...this.components.rooms.all()] : [this.components.rooms.get(onlyRoom)]
    for (const room of rooms) {
      if (room == null || !room.meta.joined) continue
      for (const event of room.log.ordered()) {
        const profile = this.taken(room, event)
        if (profile != null && profile.member !== this.components.accountHex) {
          last.set(profile.member, profile)
        }
      }
    }
    return [...last.values()]
  }

  /** Whether a member (account key, hex) is in one of the rooms we are in. */
  sharesRoomWith(memberHex: string): boolean {
    for (const room of this.components.rooms.all()) {
      if (!room.meta.joined || room.log.memberOf(this.components.selfHex) == null) continue
      if (room.log.membership().members.has(memberHex)) return true
    }
    return false
  }

  /**
   * Puts our profile in every room we write in that lacks its version (or in `onlyRoom`).
   * A room that refuses (we left meanwhile, a disk error) is logged and skipped.
   */
  async publish(onlyRoom?: string): Promise<void> {
    const record = this.components.ownProfile?.()
    if (record == null) return
    const { version, account } = openFriendProfile(record)
    if (toHex(account) !== this.components.accountHex) return
    const rooms =
      onlyRoom == null ? [...this.components.rooms.all()] : [this.components.rooms.get(onlyRoom)]
    for (const room of rooms) {
      if (room == null || !room.meta.joined) continue
      if (room.log.memberOf(this.components.selfHex) == null) continue
      if (this.versionHeld(room) >= version) continue
      try {
        await this.components.own.publishOp(room, { kind: RoomOpKind.PROFILE, profile: record })
      } catch (err) {
        this.components.log(
          'room %s: our profile not sent: %s',
          room.log.roomIdHex,
          (err as Error).message,
        )
      }
    }
  }

  /** The highest version of our account's profile the room holds from us (0: none). */
  private versionHeld(room: RoomRuntime): number {
    let held = 0
    for (const event of room.log.ordered()) {
      const record = recordOf(event)
      if (record == null || room.log.memberOf(event.authorHex) !== this.components.accountHex) {
        continue
      }
      try {
        const profile = openFriendProfile(record)
        const ours = toHex(profile.account) === this.components.accountHex
        if (ours) held = Math.max(held, profile.version)
      } catch {
        // Read back from our own log: a record that no longer opens counts for nothing.
      }
    }
    return held
  }
}

function recordOf(event: SignedRoomEvent): Uint8Array | undefined {
  const op = event.event.op
  return op?.kind === RoomOpKind.PROFILE ? op.profile : undefined
}
