/**
 * Chats: every conversation (friends and rooms together) newest first, with unread dots and
 * the last message's start, virtualized for thousands of entries; and a search across the
 * history of all of them.
 */
import { useState } from 'preact/hooks'
import type { ConversationListItem, ConversationSearchHit } from '../../../../protocol/local-api.ts'
import type { WebApiClient } from '../api-client.ts'
import { Avatar } from '../components/avatar.tsx'
import { ErrorText } from '../components/error-text.tsx'
import { VirtualList } from '../components/virtual-list.tsx'
import { describeError } from '../errors.ts'
import { t } from '../i18n/i18n.ts'
import { displayName, type Person, personOf } from '../people.ts'
import { shortTime } from '../time-format.ts'
import type { Conversations } from '../use-conversations.ts'
import type { OpenConversation } from './shell.tsx'

const CONVERSATION_ROW_PX = 64

interface ChatsPanelProps {
  client: WebApiClient
  conversations: Conversations
  people: ReadonlyMap<string, Person>
  selected: OpenConversation | null
  onOpen: (conversation: OpenConversation) => void
}

/** What the list calls a conversation: the room's name, or the peer's username. */
export function conversationName(
  conversation: OpenConversation,
  people: ReadonlyMap<string, Person>,
  roomName?: string,
): string {
  if (conversation.kind === 'room') return roomName ?? t('chats.room')
  return displayName(personOf(people, conversation.id))
}

export function ChatsPanel({ client, conversations, people, selected, onOpen }: ChatsPanelProps) {
  const [query, setQuery] = useState('')
  const [hits, setHits] = useState<ConversationSearchHit[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const roomNames = new Map(
    conversations.items.filter((c) => c.kind === 'room').map((c) => [c.id, c.name]),
  )

  const search = async (event: Event) => {
    event.preventDefault()
    setError(null)
    if (query.trim() === '') {
      setHits(null)
      return
    }
    try {
      setHits((await client.searchConversations(query.trim())).hits)
    } catch (err) {
      setError(describeError(err))
    }
  }

  const previewOf = (item: ConversationListItem): string => {
    const preview = item.preview
    if (preview == null) return t('chats.noMessages')
    const body =
      preview.text !== ''
        ? preview.text
        : preview.attachment != null
          ? t(preview.attachment.mime.startsWith('image/') ? 'chats.image' : 'chats.file', {
              name: preview.attachment.name,
            })
          : ''
    if (preview.mine) return t('chats.fromYou', { text: body })
    if (preview.from != null) {
      return t('chats.fromPeer', {
        name: displayName(personOf(people, preview.from)),
        text: body,
      })
    }
    return body
  }

  return (
    <section class="panel chats" aria-label={t('sections.chats')}>
      <form class="inline-form" onSubmit={search}>
        <label for="message-search" class="visually-hidden">
          {t('chats.searchMessages')}
        </label>
        <input
          id="message-search"
          type="search"
          placeholder={t('chats.searchMessages')}
          value={query}
          onInput={(event) => {
            setQuery(event.currentTarget.value)
            if (event.currentTarget.value === '') setHits(null)
          }}
        />
        <button type="submit">{t('chats.search')}</button>
      </form>
      <ErrorText message={error ?? conversations.error} />
      {hits != null ? (
        <ul class="search-hits" aria-label={t('chats.searchResults')}>
          {hits.length === 0 && <li class="list-empty">{t('chats.noHits')}</li>}
          {hits.map((hit) => {
            const target: OpenConversation =
              hit.kind === 'direct'
                ? { kind: 'direct', id: hit.peerId }
                : { kind: 'room', id: hit.roomId }
            return (
              <li key={`${hit.kind}-${hit.message.id}`}>
                <button type="button" class="search-hit" onClick={() => onOpen(target)}>
                  <span class="conversation-name">
                    {conversationName(target, people, roomNames.get(target.id))}
                  </span>
                  <span class="conversation-preview">{hit.message.text}</span>
                  <time class="conversation-time">{shortTime(hit.message.sentAt)}</time>
                </button>
              </li>
            )
          })}
        </ul>
      ) : (
        <VirtualList
          id="conversation-list"
          label={t('chats.conversations')}
          items={conversations.items}
          rowHeight={CONVERSATION_ROW_PX}
          keyOf={(item) => `${item.kind}-${item.id}`}
          onOpen={(item) => onOpen({ kind: item.kind, id: item.id })}
          renderRow={(item) => (
            <div
              class="conversation"
              data-testid="conversation"
              data-kind={item.kind}
              data-id={item.id}
              data-open={selected?.kind === item.kind && selected.id === item.id}
            >
              <Avatar
                person={
                  item.kind === 'room'
                    ? { peerId: item.id, name: item.name }
                    : personOf(people, item.id)
                }
                size={40}
              />
              <span class="conversation-name">
                {item.kind === 'room' && <span class="room-mark">#</span>}
                {conversationName(item, people, item.name)}
              </span>
              {item.lastMessageAt != null && (
                <time class="conversation-time">{shortTime(item.lastMessageAt)}</time>
              )}
              <span class="conversation-preview">{previewOf(item)}</span>
              {item.unread > 0 && (
                <span class="unread" data-testid="unread">
                  <span aria-hidden="true">{item.unread}</span>
                  <span class="visually-hidden">{t('chats.unread', { count: item.unread })}</span>
                </span>
              )}
            </div>
          )}
          empty={<p>{t('chats.empty')}</p>}
        />
      )}
    </section>
  )
}
