/**
 * The display names and avatars of room members who are not friends, by peer id: the node
 * holds each one its rooms carried (doc/rooms.md, "Names and faces of members") and lists it
 * with the room's members. Read for every room we are in when the stream opens, again for a
 * room whose members change, and kept current by `profile:changed`. Friends' profiles come
 * with the friend list; this fills in everyone else a room names.
 */
import { useCallback, useState } from 'preact/hooks'
import type { PersonProfile, RoomMemberView } from '../../../protocol/local-api.ts'
import type { WebApiClient } from './api-client.ts'
import { useNodeEvent, useStreamOpen } from './node-events.ts'

export function useMemberProfiles(client: WebApiClient): ReadonlyMap<string, PersonProfile> {
  const [profiles, setProfiles] = useState<ReadonlyMap<string, PersonProfile>>(new Map())

  const keep = useCallback((members: readonly RoomMemberView[]) => {
    const held = members.filter((member) => member.profile != null)
    if (held.length === 0) return
    setProfiles((current) => {
      const next = new Map(current)
      for (const member of held) next.set(member.peerId, member.profile!)
      return next
    })
  }, [])

  // Names are a nicety: a failed read leaves usernames and short peer ids until the next one.
  const loadRoom = useCallback(
    (roomId: string) =>
      void client.roomMembers(roomId).then(
        (list) => keep(list.members),
        () => {},
      ),
    [client, keep],
  )
  useStreamOpen(() => {
    client.rooms().then(
      ({ rooms }) => {
        for (const room of rooms) if (room.role != null) loadRoom(room.roomId)
      },
      () => {},
    )
  })
  useNodeEvent('room:members', (change) => loadRoom(change.roomId))
  useNodeEvent('profile:changed', ({ peerId, own, profile }) => {
    if (own) return
    setProfiles((current) => new Map(current).set(peerId, profile))
  })
  return profiles
}
