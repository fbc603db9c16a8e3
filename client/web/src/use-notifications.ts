/**
 * The shell's news for a user who looks elsewhere: the unread total in the tab's title and
 * icon, and a notification (and tone) for each incoming message or friend request while the
 * tab is hidden, unless its conversation is muted (a room message that mentions us is
 * notified all the same); a call that rings here (muted or not: it
 * is waiting for an answer) and a missed call (unless muted). Reads the events every other
 * view reads.
 */
import { useEffect } from 'preact/hooks'
import type { ConversationListItem } from '../../../protocol/local-api.ts'
import { t } from './i18n/i18n.ts'
import { useNodeEvent } from './node-events.ts'
import { raise, showUnread } from './notifications.ts'
import { displayName, type Person, personOf } from './people.ts'

/** `direct:<peer id>` or `room:<room id>`: how a muted conversation is named. */
export function conversationKey(kind: 'direct' | 'room', id: string): string {
  return `${kind}:${id}`
}

export function useNotifications(
  items: readonly ConversationListItem[],
  people: ReadonlyMap<string, Person>,
  muted: ReadonlySet<string>,
): void {
  const unread = items.reduce(
    (sum, item) => sum + (muted.has(conversationKey(item.kind, item.id)) ? 0 : item.unread),
    0,
  )
  useEffect(() => showUnread(unread), [unread])
  useEffect(() => () => showUnread(0), [])

  const nameOf = (peerId: string) => displayName(personOf(people, peerId))
  const iconOf = (peerId: string) => people.get(peerId)?.profile?.avatar
  useNodeEvent('message:received', (message) => {
    if (message.direction !== 'in' || muted.has(conversationKey('direct', message.peerId))) return
    const body = message.text || (message.attachment != null ? t('notify.sentFile') : '')
    raise({
      title: nameOf(message.peerId),
      body,
      tag: conversationKey('direct', message.peerId),
      icon: iconOf(message.peerId),
    })
  })
  useNodeEvent('room:message', (message) => {
    // A mention is notified even in a muted room: it names us.
    const mentioned = message.mentionsMe === true
    if (message.mine || (!mentioned && muted.has(conversationKey('room', message.roomId)))) return
    const room = items.find((item) => item.kind === 'room' && item.id === message.roomId)
    const name = room?.name ?? t('chats.room')
    const text = message.text || (message.attachment != null ? t('notify.sentFile') : '')
    raise({
      title: mentioned ? t('notify.mentioned', { room: name }) : name,
      body: t('chats.fromPeer', { name: nameOf(message.authorPeerId), text }),
      tag: conversationKey('room', message.roomId),
      icon: iconOf(message.authorPeerId),
    })
  })
  useNodeEvent('call:incoming', (call) => {
    raise({
      title: t('call.incomingTitle'),
      body: t('call.incoming', { name: nameOf(call.peerId) }),
      tag: `call:${call.callId}`,
      icon: iconOf(call.peerId),
    })
  })
  useNodeEvent('call:ended', (call) => {
    if (call.outcome !== 'missed' || muted.has(conversationKey('direct', call.peerId))) return
    raise({ title: t('call.ended.missed'), body: nameOf(call.peerId), tag: `call:${call.callId}` })
  })
  useNodeEvent('friend:request', (request) => {
    if (request.direction !== 'in') return
    raise({
      title: t('notify.friendRequest'),
      body: request.note
        ? t('chats.fromPeer', { name: displayName(request), text: request.note })
        : displayName(request),
      tag: `request:${request.peerId}`,
    })
  })
}
