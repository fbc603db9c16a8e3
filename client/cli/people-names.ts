/**
 * How the CLI names people in lines that would otherwise show a bare peer id (chats, chat,
 * rooms, presence): a friend's own display name (the profile they signed), else their
 * username, else the display name a room carried (a member who is no friend), else the peer
 * id; this account is "you". The same order the web client uses. Names only decorate: a node
 * that cannot list friends leaves peer ids.
 */
import type { FriendView, PeerRef, RoomMemberView } from '../../protocol/local-api.ts'
import type { LocalApiClient } from '../api-client.ts'
import { t } from './i18n/i18n.ts'

export interface PeopleNames {
  /** The name to show for `peerId`. */
  of(peerId: string): string
  /** Whether `peerId` is this account (this device). */
  isSelf(peerId: string): boolean
}

/** A person's name alone: display name, username, or peer id. */
export function nameOf(ref: PeerRef & Pick<Partial<FriendView>, 'profile'>): string {
  return ref.profile?.displayName ?? ref.name ?? ref.peerId
}

/** `members`: a room's member list, whose profiles name members who are not friends. */
export async function peopleNames(
  client: LocalApiClient,
  members: readonly RoomMemberView[] = [],
): Promise<PeopleNames> {
  const [{ friends }, self] = await Promise.all([
    client.friends().catch(() => ({ friends: [] as FriendView[] })),
    client.id().then(
      (id) => id.peerId,
      () => undefined,
    ),
  ])
  const names = new Map<string, string>()
  for (const member of members) {
    const name = member.profile?.displayName
    if (name != null) names.set(member.peerId, name)
  }
  for (const friend of friends) names.set(friend.peerId, nameOf(friend))
  return {
    of: (peerId) => (peerId === self ? t('people.you') : (names.get(peerId) ?? peerId)),
    isSelf: (peerId) => peerId === self,
  }
}
