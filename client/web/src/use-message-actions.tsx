/**
 * The chat's side of message actions in a 1:1 chat or a room (doc/message-actions.md): which
 * menu is open, the message being answered, edited or forwarded, and what each action asks
 * of the node. The chat renders what this returns: a message's menu and quote, the line
 * above the composer, the forward dialog, and the draft to edit.
 */
import { useEffect, useState } from 'preact/hooks'
import { RECALL_WINDOW_MS } from '../../../protocol/limits.ts'
import type { MessageView, QuoteView, RoomMessageView } from '../../../protocol/local-api.ts'
import type { WebApiClient } from './api-client.ts'
import { type ChatEntry, entryOfMessage, entryOfRoomMessage, withUpdate } from './chat-entries.ts'
import { ForwardDialog } from './components/forward-dialog.tsx'
import { MessageMenu, Quote } from './components/message-actions.tsx'
import { describeError } from './errors.ts'
import { t } from './i18n/i18n.ts'
import { displayName, type Person } from './people.ts'

interface MessageActionsOptions {
  client: WebApiClient
  kind: 'direct' | 'room'
  /** The conversation's peer, or the room. */
  peerId: string
  entries: readonly ChatEntry[]
  setEntries: (update: (current: ChatEntry[]) => ChatEntry[]) => void
  people: ReadonlyMap<string, Person>
  onChanged: () => void
  setError: (error: string | null) => void
}

export function useMessageActions(options: MessageActionsOptions) {
  const { client, kind, peerId, entries, setEntries, people, onChanged, setError } = options
  const isRoom = kind === 'room'
  const [menuFor, setMenuFor] = useState<string | null>(null)
  const [replyingTo, setReplyingTo] = useState<ChatEntry | null>(null)
  const [editing, setEditing] = useState<ChatEntry | null>(null)
  const [forwarding, setForwarding] = useState<ChatEntry | null>(null)
  useEffect(() => {
    setMenuFor(null)
    setReplyingTo(null)
    setEditing(null)
    setForwarding(null)
  }, [client, peerId])

  /** Runs an action; its failure shows in the chat. */
  const act = (run: () => Promise<unknown>) => {
    setError(null)
    run().catch((err: unknown) => setError(describeError(err)))
  }
  const update = (message: MessageView | RoomMessageView) =>
    setEntries((current) =>
      withUpdate(
        current,
        'roomId' in message ? entryOfRoomMessage(message) : entryOfMessage(message),
      ),
    )
  const edit = (id: string, text: string) =>
    isRoom ? client.editRoomMessage(peerId, id, text) : client.editMessage(peerId, id, text)
  const recall = (id: string) =>
    isRoom ? client.recallRoomMessage(peerId, id) : client.recallMessage(peerId, id)
  const react = (id: string, emoji: string) =>
    isRoom ? client.reactToRoomMessage(peerId, id, emoji) : client.reactToMessage(peerId, id, emoji)
  const authorOf = (entry: { mine: boolean; from: string }) =>
    entry.mine
      ? t('actions.you')
      : displayName(people.get(entry.from) ?? { peerId: entry.from, name: null })

  const menuOf = (entry: ChatEntry) => {
    const own = entry.mine && entry.recalled !== true
    return (
      <MessageMenu
        open={menuFor === entry.id}
        onOpenChange={(open) => setMenuFor(open ? entry.id : null)}
        myReaction={entry.reactions?.find((reaction) => reaction.mine)?.emoji}
        onReply={() => {
          setEditing(null)
          setReplyingTo(entry)
        }}
        onEdit={
          own && entry.text !== ''
            ? () => {
                setReplyingTo(null)
                setEditing(entry)
              }
            : undefined
        }
        onRecall={
          own && Date.now() - entry.sentAt <= RECALL_WINDOW_MS
            ? () => act(async () => update(await recall(entry.id)))
            : undefined
        }
        onCopy={() => act(() => navigator.clipboard.writeText(entry.text))}
        onForward={() => setForwarding(entry)}
        onDelete={
          isRoom
            ? undefined
            : () =>
                act(async () => {
                  await client.deleteConversation(peerId, [entry.id])
                  setEntries((current) => current.filter((e) => e.id !== entry.id))
                  onChanged()
                })
        }
        onReact={(emoji) => act(async () => update(await react(entry.id, emoji)))}
      />
    )
  }

  /** The quote above a reply: a live reply names only the id, usually of a message on screen. */
  const quoteOf = (entry: ChatEntry, quote: QuoteView) => {
    const shown = entries.find((e) => e.id === quote.id)
    if (shown != null && quote.direction == null) {
      return (
        <Quote
          quote={{ id: quote.id, text: shown.text, recalled: shown.recalled }}
          author={authorOf(shown)}
        />
      )
    }
    let author: string | undefined
    if (quote.from != null) author = authorOf({ mine: false, from: quote.from })
    else if (quote.direction != null) {
      author = authorOf({ mine: quote.direction === 'out', from: entry.from })
    }
    return <Quote quote={quote} author={author} />
  }

  const context = editing ?? replyingTo
  const banner = context != null && (
    <div class="composer-context" data-testid="composer-context">
      <span>
        {editing != null
          ? t('actions.editing')
          : t('actions.replyingTo', { name: authorOf(context) })}
      </span>
      <span class="composer-context-text" dir="auto">
        {context.text}
      </span>
      <button
        type="button"
        class="button-quiet"
        onClick={() => {
          setEditing(null)
          setReplyingTo(null)
        }}
      >
        {t('actions.cancel')}
      </button>
    </div>
  )

  return {
    editing,
    menuOf,
    quoteOf,
    banner,
    openMenu: (id: string) => setMenuFor(id),
    draft: editing == null ? undefined : { key: editing.id, text: editing.text },
    forwardDialog: forwarding != null && (
      <ForwardDialog
        client={client}
        text={forwarding.text}
        from={peerId}
        people={people}
        onDone={() => setForwarding(null)}
      />
    ),
    /** The id a message sent now answers. */
    replyTo: replyingTo?.id,
    /** A message was sent: the reply is done. */
    sent: () => setReplyingTo(null),
    /** While editing: sends `text` as the edit and returns true; else false. */
    sendEdit: async (text: string): Promise<boolean> => {
      if (editing == null) return false
      update(await edit(editing.id, text))
      setEditing(null)
      return true
    },
  }
}
