/** How the CLI names people and says how each friend is reached ('friends list', 'status'). */
import type { FriendView, PeerReach, PeerRef } from '../../protocol/local-api.ts'
import { minuteStamp } from './output.ts'

export function label(ref: PeerRef): string {
  return ref.name ?? ref.peerId
}

/** `* alice  online  direct (/ip4/…)`: presence first, then the path messages take now. */
export function friendLine(friend: FriendView): string {
  const seen = friend.online
    ? 'online'
    : friend.lastSeen == null
      ? 'offline'
      : `offline (last seen ${minuteStamp(friend.lastSeen)})`
  return `${friend.online ? '*' : ' '} ${label(friend)}  ${seen}  ${reachText(friend.reach)}`
}

export function reachText(reach: PeerReach): string {
  if (reach.via === 'direct') return `direct (${reach.address})`
  if (reach.via === 'relay') return `through relay ${reach.relay ?? '?'}`
  return 'no connection: messages wait in the mailbox'
}
