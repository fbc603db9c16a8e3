/**
 * How the CLI names people and says how each friend is reached ('friends list', 'status'),
 * and that a friend changed its key (history, chat).
 */
import type { FriendView, MessageView, PeerReach, PeerRef } from '../../protocol/local-api.ts'
import { t } from './i18n/i18n.ts'
import { minuteStamp } from './output.ts'
import { nameOf } from './people-names.ts'

/** A person by their display name, else username, else peer id (people-names.ts). */
export function label(ref: PeerRef & Pick<Partial<FriendView>, 'profile'>): string {
  return nameOf(ref)
}

/**
 * `* alice · 2 devices  online  direct (/ip4/…)`: the device count when more than one, presence,
 * then the path messages take now.
 */
export function friendLine(friend: FriendView): string {
  const seen = friend.online
    ? t('friend.online')
    : friend.lastSeen == null
      ? t('friend.offline')
      : t('friend.lastSeen', { time: minuteStamp(friend.lastSeen) })
  const count = friend.devices?.count ?? 1
  const devices = count > 1 ? ` · ${t('friend.devices', { count })}` : ''
  return `${friend.online ? '*' : ' '} ${label(friend)}${devices}  ${seen}  ${reachText(friend.reach)}`
}

export function reachText(reach: PeerReach): string {
  if (reach.via === 'direct') return t('reach.direct', { address: reach.address ?? '' })
  if (reach.via === 'relay') return t('reach.relay', { relay: reach.relay ?? '?' })
  return t('reach.mailbox')
}

/** `12:04 * 12D3… changed their key; new fingerprint 12345 …`: the notice in a 1:1 history. */
export function keyChangeLine(message: MessageView, fingerprint: string): string {
  const line = t('chat.keyChanged', { peer: message.peerId, fingerprint })
  return `${minuteStamp(message.sentAt)} * ${line}`
}
