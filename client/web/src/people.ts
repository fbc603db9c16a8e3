/**
 * How the client names people: their own display name (the profile they signed and sent),
 * else their username (without its relay scope), else a short peer id; and "You" for
 * oneself, wherever a person is named.
 */
import type { PeerRef, PersonProfile } from '../../../protocol/local-api.ts'
import { t } from './i18n/i18n.ts'

/** A person as the client knows them: a friend view carries `profile`; `self` marks us. */
export type Person = Pick<PeerRef, 'peerId' | 'name'> & {
  profile?: PersonProfile
  self?: boolean
}

/** `alice@12D3Koo…` reads as `alice`; the scope stays in titles for those who need it. */
export function shortName(scopedName: string): string {
  const at = scopedName.lastIndexOf('@')
  return at > 0 ? scopedName.slice(0, at) : scopedName
}

/** The last characters of a peer id tell peers apart; the common prefix does not. */
export function shortPeerId(peerId: string): string {
  return peerId.length > 12 ? `…${peerId.slice(-8)}` : peerId
}

/** A name for `peer`, never "You": the display name, the username or a short peer id. */
export function ownName(peer: Person): string {
  return (
    peer.profile?.displayName ??
    (peer.name != null ? shortName(peer.name) : shortPeerId(peer.peerId))
  )
}

export function displayName(peer: Person): string {
  return peer.self === true ? t('people.you') : ownName(peer)
}

/** `people`'s entry for `peerId`, or what a peer id alone says. */
export function personOf(people: ReadonlyMap<string, Person>, peerId: string): Person {
  return people.get(peerId) ?? { peerId, name: null }
}
