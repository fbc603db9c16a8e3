/**
 * The ops we write to change a room's members or name: leave, remove, set a role, rename.
 *
 * Guarantees, and how they are kept:
 * - An op our role does not allow is refused with a RoomPermissionError before anything is
 *   written or published: only the owner changes roles; the owner and admins remove and
 *   rename; an admin is removed by the owner alone, and the owner by nobody. Every member
 *   checks the same rules on the op (protocol/rooms/membership.ts); checking first here
 *   gives the user a clear error instead of an op the room ignores.
 * - A REMOVE or LEAVE says where the devices it ends stop writing (`cutSeq`, `deviceCuts`,
 *   room-devices.ts): the removed member's events, or our account's other devices', end
 *   where this device saw them, so nothing they write after counts.
 * - Each call resolves once the op is written and published (own-events.ts), with the room
 *   or its members as they are then.
 */

import { fromHex } from '../../protocol/bytes.ts'
import type { RoomMembersChange, RoomSummary } from '../../protocol/local-api.ts'
import { RoomOpKind } from '../../protocol/rooms/index.ts'
import { RoomPermissionError } from './errors.ts'
import type { OwnEvents } from './own-events.ts'
import { endingDeviceCuts } from './room-devices.ts'
import type { RoomRegistry } from './room-registry.ts'
import type { RoomViews } from './room-views.ts'

export interface RoomMemberOpsComponents {
  selfHex: string
  rooms: Pick<RoomRegistry, 'requireMember' | 'memberKey'>
  own: Pick<OwnEvents, 'publishOp'>
  views: Pick<RoomViews, 'summary' | 'members'>
}

export class RoomMemberOps {
  private readonly components: RoomMemberOpsComponents

  constructor(components: RoomMemberOpsComponents) {
    this.components = components
  }

  async leave(roomIdHex: string): Promise<RoomSummary> {
    const { selfHex, rooms, own, views } = this.components
    const room = rooms.requireMember(roomIdHex)
    // The account's other devices end with it: their events end where this device saw them.
    const account = room.log.memberOf(selfHex)!
    await own.publishOp(room, {
      kind: RoomOpKind.LEAVE,
      deviceCuts: endingDeviceCuts(room, account, new Set([selfHex])),
    })
    return views.summary(room)
  }

  async remove(roomIdHex: string, member: string): Promise<RoomMembersChange> {
    const { selfHex, rooms, own, views } = this.components
    const room = rooms.requireMember(roomIdHex)
    const targetHex = rooms.memberKey(room, member)
    const state = room.log.membership()
    const myRole = room.log.roleOf(selfHex)
    const targetRole = state.members.get(targetHex)!.role
    if (
      myRole === 'member' ||
      targetRole === 'owner' ||
      (targetRole === 'admin' && myRole !== 'owner')
    ) {
      throw new RoomPermissionError(
        targetRole === 'owner'
          ? 'the owner of a room cannot be removed'
          : `removing this ${targetRole} needs the ${targetRole === 'admin' ? 'owner' : 'owner or an admin'}`,
      )
    }
    await own.publishOp(room, {
      kind: RoomOpKind.REMOVE,
      target: fromHex(targetHex),
      cutSeq: room.log.lastSeqOf(targetHex),
      deviceCuts: endingDeviceCuts(room, targetHex),
    })
    return views.members(room)
  }

  async setRole(
    roomIdHex: string,
    member: string,
    role: 'admin' | 'member',
  ): Promise<RoomMembersChange> {
    const { selfHex, rooms, own, views } = this.components
    const room = rooms.requireMember(roomIdHex)
    const targetHex = rooms.memberKey(room, member)
    if (room.log.roleOf(selfHex) !== 'owner') {
      throw new RoomPermissionError('only the owner of a room changes roles')
    }
    const kind = role === 'admin' ? RoomOpKind.PROMOTE : RoomOpKind.DEMOTE
    await own.publishOp(room, { kind, target: fromHex(targetHex) })
    return views.members(room)
  }

  async rename(roomIdHex: string, name: string): Promise<RoomSummary> {
    const { selfHex, rooms, own, views } = this.components
    const room = rooms.requireMember(roomIdHex)
    if (room.log.roleOf(selfHex) === 'member') {
      throw new RoomPermissionError('only the owner and admins rename a room')
    }
    await own.publishOp(room, { kind: RoomOpKind.RENAME, name })
    return views.summary(room)
  }
}
