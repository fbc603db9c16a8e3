/**
 * How the CLI names people and says how each friend is reached ('friends list', 'status'),
 * and that a friend changed its key (history, chat).
 */
import type { FriendView, MessageView, PeerReach, PeerRef } from '../../protocol/local-api.ts'
import { minuteStamp } from './output.ts'

export function label(ref: PeerRef): string {
  return ref.name ?? ref.peerId
}

/**
 * `* alice · 2 devices  online  direct (/ip4/…)`: the device count when more than one, presence,
 * then the path messages take now.
 */
export function friendLine(friend: FriendView): string {
  const seen = friend.online
    ? 'online'
    : friend.lastSeen == null
      ? 'offline'
      : `offline (last seen ${minuteStamp(friend.lastSeen)})`
  const devices = (friend.devices?.count ?? 1) > 1 ? ` · ${friend.devices?.count} devices` : ''
  return `${friend.online ? '*' : ' '} ${label(friend)}${devices}  ${seen}  ${reachText(friend.reach)}`
}

export function reachText(reach: PeerReach): string {
  if (reach.via === 'direct') return `direct (${reach.address})`
  if (reach.via === 'relay') return `through relay ${reach.relay ?? '?'}`
  return 'no connection: messages wait in the mailbox'
}

/** `12:04 * 12D3… changed their key; new fingerprint 12345 …`: the notice in a 1:1 history. */
export function keyChangeLine(message: MessageView, fingerprint: string): string {
  return `${minuteStamp(message.sentAt)} * ${message.peerId} changed their key; new fingerprint ${fingerprint}`
}
