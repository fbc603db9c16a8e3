/**
 * Profiles and rooms, linked (doc/rooms.md, "Names and faces of members"): our profile goes
 * into our rooms whenever it changes, the profiles rooms carry reach node/profiles, which
 * judges and keeps them, and members' profiles go once we share no room with the member.
 *
 * How it is kept: listeners on both parts, added together and removed together; at link
 * time, what the rooms already hold is taken (a crash between a room and the profiles'
 * store loses nothing), members gone since are dropped, and our profile is put in every
 * room that lacks its version (a rotation re-signs it under the new key: node/profiles).
 */
import type { Logger } from '@libp2p/interface'
import { fromHex } from '../../protocol/bytes.ts'
import type { RoomService } from '../rooms/index.ts'
import type { ProfileService } from './profile-service.ts'

export function linkRoomProfiles(
  rooms: Pick<
    RoomService,
    'addEventListener' | 'removeEventListener' | 'memberProfiles' | 'publishProfile'
  >,
  profiles: Pick<
    ProfileService,
    'addEventListener' | 'removeEventListener' | 'receiveFromRoom' | 'pruneMembers'
  >,
  log: Logger,
): { link(): void; unlink(): void } {
  const failed = (what: string) => (err: Error) => log.error('%s failed: %e', what, err)
  const take = ({ detail }: CustomEvent<{ member: string; record: Uint8Array }>) =>
    void profiles
      .receiveFromRoom(fromHex(detail.member), detail.record)
      .catch(failed('a room profile'))
  const takeAll = (roomId?: string) => {
    for (const { member, record } of rooms.memberProfiles(roomId)) {
      void profiles.receiveFromRoom(fromHex(member), record).catch(failed('a room profile'))
    }
  }
  // A room's members changed: profiles of those who left may go, and a room we just joined
  // holds profiles we read before we were a member, when we could not take them.
  const membersChanged = ({ detail }: CustomEvent<{ roomId: string }>) => {
    takeAll(detail.roomId)
    prune()
  }
  const prune = () => void profiles.pruneMembers().catch(failed('dropping members’ profiles'))
  const publish = () => void rooms.publishProfile().catch(failed('putting our profile in rooms'))
  return {
    link() {
      rooms.addEventListener('room:profile', take)
      rooms.addEventListener('room:members', membersChanged)
      profiles.addEventListener('profiles:own', publish)
      takeAll()
      prune()
      publish()
    },
    unlink() {
      rooms.removeEventListener('room:profile', take)
      rooms.removeEventListener('room:members', membersChanged)
      profiles.removeEventListener('profiles:own', publish)
    },
  }
}
