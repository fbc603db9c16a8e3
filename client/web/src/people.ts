/** How the client names people: the username (without its relay scope) or a short peer id. */
import type { PeerRef } from '../../../protocol/local-api.ts'

/** `alice@12D3Koo…` reads as `alice`; the scope stays in titles for those who need it. */
export function shortName(scopedName: string): string {
  const at = scopedName.lastIndexOf('@')
  return at > 0 ? scopedName.slice(0, at) : scopedName
}

/** The last characters of a peer id tell peers apart; the common prefix does not. */
export function shortPeerId(peerId: string): string {
  return peerId.length > 12 ? `…${peerId.slice(-8)}` : peerId
}

export function displayName(peer: Pick<PeerRef, 'peerId' | 'name'>): string {
  return peer.name != null ? shortName(peer.name) : shortPeerId(peer.peerId)
}
