/**
 * A room's members as `@` may name them in the composer: everyone but ourselves, by the name
 * the people list knows (display name, else a short peer id), kept current by `room:members`.
 */
import { useEffect, useState } from 'preact/hooks'
import type { RoomMemberView } from '../../../protocol/local-api.ts'
import type { WebApiClient } from './api-client.ts'
import type { Mentionable } from './mentions.ts'
import { useNodeEvent } from './node-events.ts'
import { displayName, type Person, personOf } from './people.ts'

export function useRoomMembers(
  client: WebApiClient,
  roomId: string | null,
  { people, selfPeerId }: { people: ReadonlyMap<string, Person>; selfPeerId?: string },
): Mentionable[] | undefined {
  const [members, setMembers] = useState<readonly RoomMemberView[]>([])
  useEffect(() => {
    if (roomId == null) return
    client.roomMembers(roomId).then(
      (list) => setMembers(list.members),
      // The composer works without the list; the next members event fills it.
      () => {},
    )
  }, [client, roomId])
  useNodeEvent('room:members', (change) => {
    if (change.roomId === roomId) setMembers(change.members)
  })
  if (roomId == null) return undefined
  return members
    .filter((member) => member.peerId !== selfPeerId)
    .map((member) => ({
      key: member.publicKey,
      name: displayName(personOf(people, member.peerId)),
    }))
}
