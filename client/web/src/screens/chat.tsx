/**
 * One conversation, 1:1 or room: its latest page on open (which marks it read), older pages
 * when scrolled to the top, new messages, delivery ticks (with why a queued message waits)
 * and transfer progress (with why a file waits) as the node's events tell, and the composer.
 * A 1:1 message offers its actions (doc/message-actions.md): reply, edit and recall (ours),
 * copy, forward, delete for me, react. A 1:1 chat shows the lines its calls left.
 */
import type { ComponentChildren } from 'preact'
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks'
import type {
  HistoryResponse,
  MessageStyle,
  PeerReach,
  QueuedReasonCode,
  RoomHistoryResponse,
  TransferView,
} from '../../../../protocol/local-api.ts'
import type { WebApiClient } from '../api-client.ts'
import { CallLine } from '../calls/call-screens.tsx'
import { useCallLines } from '../calls/use-call-lines.ts'
import {
  type ChatEntry,
  cssOfStyle,
  entryOfMessage,
  entryOfRoomMessage,
  mergeEntries,
  withFirstPage,
  withState,
  withUpdate,
} from '../chat-entries.ts'
import { Attachment } from '../components/attachment-view.tsx'
import { Avatar } from '../components/avatar.tsx'
import { Composer } from '../components/composer.tsx'
import { DeliveryTicks } from '../components/delivery-ticks.tsx'
import { ErrorText } from '../components/error-text.tsx'
import { Reactions } from '../components/message-actions.tsx'
import { PresenceDot } from '../components/presence-dot.tsx'
import { describeError } from '../errors.ts'
import { t, tx } from '../i18n/i18n.ts'
import { useNodeEvent, useStreamOpen } from '../node-events.ts'
import { displayName, type Person, personOf } from '../people.ts'
import { reachText, reachTitle } from '../reach-text.ts'
import { fullTime, shortTime } from '../time-format.ts'
import { formatBytes } from '../transfer-text.ts'
import { useMessageActions } from '../use-message-actions.tsx'
import { useRoomMembers } from '../use-room-members.ts'
import { useFriendTyping, useTypingTeller } from '../use-typing.ts'
import type { OpenConversation } from './shell.tsx'

const PAGE = 50
/** Older messages load when the view is this close to its top. */
const LOAD_OLDER_PX = 48
/** New messages keep the view at the bottom if it was this close to it. */
const STICK_TO_BOTTOM_PX = 80
/** How often the reason a message waits is read again while one waits. */
const QUEUED_REFRESH_MS = 5_000

/** Short texts for the line under a queued message; the node's own words are its title. */
const QUEUED_TEXT: Record<QueuedReasonCode, `chat.queued.${QueuedReasonCode}`> = {
  prekeys: 'chat.queued.prekeys',
  'awaiting-ack': 'chat.queued.awaiting-ack',
  depositing: 'chat.queued.depositing',
  unreachable: 'chat.queued.unreachable',
}

interface ChatViewProps {
  client: WebApiClient
  conversation: OpenConversation
  /** Our own peer id: not offered for `@` mentions. */
  selfPeerId?: string
  title: string
  /** 1:1 with a friend: whether the friend is online. */
  online?: boolean
  /** 1:1 with a friend: how the node reaches the friend now. */
  reach?: PeerReach
  people: ReadonlyMap<string, Person>
  /** Something changed that the conversation list shows (read, sent). */
  onChanged: () => void
  onBack: () => void
  /** Controls at the end of the header (mute). */
  actions?: ComponentChildren
}

interface Upload {
  name: string
  sent: number
  total: number
}

export function ChatView(props: ChatViewProps) {
  const { client, conversation, onChanged } = props
  const isRoom = conversation.kind === 'room'
  const [entries, setEntries] = useState<ChatEntry[]>([])
  /** Where the older page starts: a history index (1:1) or a message id (rooms). */
  const [nextBefore, setNextBefore] = useState<number | string | null>(null)
  const [loading, setLoading] = useState(true)
  const [error, setError] = useState<string | null>(null)
  const [transfers, setTransfers] = useState<ReadonlyMap<string, TransferView>>(new Map())
  const [upload, setUpload] = useState<Upload | null>(null)
  const log = useRef<HTMLDivElement>(null)
  /** How to place the scroll after the next render: keep an older page from jumping, or follow. */
  const scrollPlan = useRef<{ keepFromBottom: number } | 'bottom' | null>(null)

  const mentionables = useRoomMembers(client, isRoom ? conversation.id : null, props)
  const friendPeerId = isRoom ? undefined : conversation.id
  const friendTyping = useFriendTyping(friendPeerId)
  const tellTyping = useTypingTeller(client, friendPeerId)

  const actions = useMessageActions({
    client,
    kind: conversation.kind,
    peerId: conversation.id,
    entries,
    setEntries,
    people: props.people,
    onChanged,
    setError,
  })

  const pageOf = (history: HistoryResponse | RoomHistoryResponse): ChatEntry[] =>
    'peerId' in history
      ? history.messages.map(entryOfMessage)
      : history.messages.map(entryOfRoomMessage)

  useEffect(() => {
    let cancelled = false
    setEntries([])
    setTransfers(new Map())
    setNextBefore(null)
    setLoading(true)
    setError(null)
    client
      .openConversation(
        isRoom ? { roomId: conversation.id, limit: PAGE } : { peer: conversation.id, limit: PAGE },
      )
      .then((opened) => {
        if (cancelled) return
        scrollPlan.current = 'bottom'
        // Not a replacement: a message whose event came while the page was on its way is
        // in the list already, and may not be in the page.
        setEntries((current) => withFirstPage(pageOf(opened.history), current))
        setNextBefore(opened.history.nextBefore)
        onChanged()
      })
      .catch((err: unknown) => !cancelled && setError(describeError(err)))
      .finally(() => !cancelled && setLoading(false))
    // Files still on their way, with why they wait: an event may be a retry period away.
    if (!isRoom) {
      client
        .transfers()
        .then(({ transfers: listed }) => {
          if (cancelled) return
          setTransfers((current) => {
            const next = new Map(current)
            for (const transfer of listed) {
              const moving = transfer.state === 'pending' || transfer.state === 'transferring'
              // An event that came meanwhile is newer than the list.
              if (moving && transfer.peerId === conversation.id && !next.has(transfer.fileId)) {
                next.set(transfer.fileId, transfer)
              }
            }
            return next
          })
        })
        // Only an earlier start: without the list, the next transfer event says the same.
        .catch(() => {})
    }
    return () => {
      cancelled = true
    }
  }, [client, conversation.kind, conversation.id])

  useLayoutEffect(() => {
    const element = log.current
    const plan = scrollPlan.current
    scrollPlan.current = null
    if (element == null || plan == null) return
    element.scrollTop =
      plan === 'bottom'
        ? element.scrollHeight
        : element.scrollHeight - element.clientHeight - plan.keepFromBottom
  }, [entries])

  /** Before a change at the end: follow it down if the reader is at the bottom. */
  const followIfAtBottom = () => {
    const element = log.current
    if (
      element != null &&
      element.scrollHeight - element.scrollTop - element.clientHeight < STICK_TO_BOTTOM_PX
    ) {
      scrollPlan.current = 'bottom'
    }
  }

  useCallLines(client, isRoom ? null : conversation.id, !loading, setEntries, followIfAtBottom)

  const loadOlder = async () => {
    if (nextBefore == null || loading) return
    setLoading(true)
    try {
      const page =
        typeof nextBefore === 'string'
          ? await client.roomHistory(conversation.id, { before: nextBefore, limit: PAGE })
          : await client.history(conversation.id, { before: nextBefore, limit: PAGE })
      const element = log.current
      if (element != null) {
        scrollPlan.current = {
          keepFromBottom: element.scrollHeight - element.clientHeight - element.scrollTop,
        }
      }
      setEntries((current) => mergeEntries(current, pageOf(page), 'start'))
      setNextBefore(page.nextBefore)
    } catch (err) {
      setError(describeError(err))
    } finally {
      setLoading(false)
    }
  }

  /** Our own messages as the node stored them: the latest page, merged in. */
  const refreshLatest = async () => {
    const page = isRoom
      ? await client.roomHistory(conversation.id, { limit: PAGE })
      : await client.history(conversation.id, { limit: PAGE })
    followIfAtBottom()
    setEntries((current) => mergeEntries(current, pageOf(page), 'end'))
    onChanged()
  }

  // Messages that came while the event stream was not open yet (a tab opened as its node
  // unlocked) or was down: the latest page, merged in, once it (re)opens.
  useStreamOpen(
    () => {
      const latest = isRoom
        ? client.roomHistory(conversation.id, { limit: PAGE })
        : client.history(conversation.id, { limit: PAGE })
      latest.then(
        (page) => {
          followIfAtBottom()
          setEntries((current) => mergeEntries(current, pageOf(page), 'end'))
          // On screen now: read, as a live one would be.
          const read = isRoom
            ? client.markRoomRead(conversation.id)
            : client.markRead(conversation.id)
          read.then(onChanged, () => {})
        },
        // The next event, or the next reopening, says the same.
        () => {},
      )
    },
    { now: false },
  )

  useNodeEvent('message:received', (message) => {
    if (isRoom || message.peerId !== conversation.id) return
    followIfAtBottom()
    setEntries((current) => mergeEntries(current, [entryOfMessage(message)], 'end'))
    // It is on screen: tell the node (and so the sender) it was read.
    client.markRead(conversation.id).then(onChanged, () => {})
  })
  useNodeEvent('message:updated', (message) => {
    if (isRoom || message.peerId !== conversation.id) return
    setEntries((current) => withUpdate(current, entryOfMessage(message)))
  })
  useNodeEvent('message:state', (change) => {
    if (isRoom || change.peerId !== conversation.id) return
    setEntries((current) => withState(current, change.id, change.state, change.failure))
  })

  // Why a message waits changes without a state event (a relay answers, a session starts):
  // while one waits, the latest page is read again now and then, and when the peer's
  // connection changes.
  const waiting = !isRoom && entries.some((entry) => entry.mine && entry.state === 'queued')
  const refreshWaiting = () => {
    client.history(conversation.id, { limit: PAGE }).then(
      (page) => setEntries((current) => mergeEntries(current, pageOf(page), 'end')),
      // The next refresh, or the next event, says the same.
      () => {},
    )
  }
  useEffect(() => {
    if (!waiting) return
    const timer = setInterval(refreshWaiting, QUEUED_REFRESH_MS)
    return () => clearInterval(timer)
  }, [waiting, conversation.id])
  useNodeEvent('friend:reach', (change) => {
    if (waiting && change.peerId === conversation.id) refreshWaiting()
  })
  useNodeEvent('room:updated', (message) => {
    if (!isRoom || message.roomId !== conversation.id) return
    setEntries((current) => withUpdate(current, entryOfRoomMessage(message)))
  })
  useNodeEvent('room:message', (message) => {
    if (!isRoom || message.roomId !== conversation.id) return
    followIfAtBottom()
    setEntries((current) => mergeEntries(current, [entryOfRoomMessage(message)], 'end'))
    client.markRoomRead(conversation.id).then(onChanged, () => {})
  })
  const onTransfer = (transfer: TransferView) => {
    const here = isRoom
      ? transfer.roomId === conversation.id
      : transfer.roomId == null && transfer.peerId === conversation.id
    if (!here) return
    setTransfers((current) => new Map(current).set(transfer.fileId, transfer))
  }
  useNodeEvent('transfer:progress', onTransfer)
  useNodeEvent('transfer:complete', onTransfer)
  useNodeEvent('transfer:failed', onTransfer)

  const send = async (text: string, style: MessageStyle | undefined, mentions: string[]) => {
    setError(null)
    try {
      if (await actions.sendEdit(text)) return
      if (isRoom) {
        const message = await client.sendRoomMessage(conversation.id, text, {
          replyTo: actions.replyTo,
          style,
          mentions,
        })
        actions.sent()
        scrollPlan.current = 'bottom'
        setEntries((current) => mergeEntries(current, [entryOfRoomMessage(message)], 'end'))
        onChanged()
      } else {
        await client.sendMessage(conversation.id, text, style, { replyTo: actions.replyTo })
        actions.sent()
        scrollPlan.current = 'bottom'
        await refreshLatest()
      }
    } catch (err) {
      setError(describeError(err))
      throw err
    }
  }

  const sendFile = async (file: File) => {
    setError(null)
    setUpload({ name: file.name, sent: 0, total: file.size })
    try {
      const to = isRoom ? { room: conversation.id } : conversation.id
      await client.upload(to, file, '', (sent, total) =>
        setUpload({ name: file.name, sent, total }),
      )
      scrollPlan.current = 'bottom'
      await refreshLatest()
    } catch (err) {
      setError(describeError(err))
    } finally {
      setUpload(null)
    }
  }

  return (
    <section class="chat" aria-labelledby="chat-title" data-testid="chat">
      <header class="chat-header">
        <button type="button" class="chat-back" onClick={props.onBack}>
          <span aria-hidden="true">‹</span> {t('chat.back')}
        </button>
        {!isRoom && <Avatar person={personOf(props.people, conversation.id)} size={36} />}
        {props.online != null && <PresenceDot online={props.online} />}
        <div class="chat-heading">
          <h2 id="chat-title" title={conversation.id}>
            {isRoom && (
              <span class="room-mark" aria-hidden="true">
                #
              </span>
            )}
            {props.title}
          </h2>
          {props.reach != null && (
            <span class="chat-reach" data-testid="chat-reach" title={reachTitle(props.reach)}>
              {reachText(props.reach)}
            </span>
          )}
          <span class="chat-typing" role="status" data-testid="chat-typing">
            {friendTyping ? t('chat.typing') : ''}
          </span>
        </div>
        {props.actions}
      </header>
      {/* A log: new messages are announced; focusable so the keyboard can scroll it. */}
      <div
        ref={log}
        class="messages"
        role="log"
        aria-label={t('chat.messagesWith', { name: props.title })}
        aria-busy={loading}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must take focus to scroll by keyboard
        tabIndex={0}
        onScroll={(event) => {
          if (event.currentTarget.scrollTop < LOAD_OLDER_PX) void loadOlder()
        }}
      >
        <ol class="message-list">
          {nextBefore != null && (
            <li class="messages-more">
              <button type="button" class="button-quiet" onClick={() => void loadOlder()}>
                {loading ? t('chat.loading') : t('chat.loadOlder')}
              </button>
            </li>
          )}
          {!loading && entries.length === 0 && error == null && (
            <li class="messages-empty">{t('chat.empty')}</li>
          )}
          {entries.map((entry) =>
            entry.call != null ? (
              <CallLine key={entry.id} call={entry.call} />
            ) : entry.keyChange != null ? (
              <li key={entry.id} class="message-notice" data-testid="key-changed">
                {tx('chat.keyChanged', {
                  name: displayName(personOf(props.people, entry.from)),
                  fingerprint: <code class="fingerprint">{entry.keyChange.fingerprint}</code>,
                })}
              </li>
            ) : (
              <li
                key={entry.id}
                class={entry.mentionsMe === true ? 'message message-mention' : 'message'}
                data-mine={entry.mine}
                data-mention={entry.mentionsMe === true ? 'true' : undefined}
                data-testid="message"
                data-message-id={entry.id}
                onContextMenu={(event) => {
                  // A right click, or a long press on a touch screen, opens the actions.
                  event.preventDefault()
                  actions.openMenu(entry.id)
                }}
              >
                {actions.menuOf(entry)}
                {entry.forwarded === true && (
                  <span class="message-forwarded">{t('actions.forwarded')}</span>
                )}
                {entry.replyTo != null && actions.quoteOf(entry, entry.replyTo)}
                {isRoom && !entry.mine && (
                  <span class="message-author-line">
                    <Avatar person={personOf(props.people, entry.from)} size={20} />
                    <span class="message-author" data-testid="message-author">
                      {displayName(personOf(props.people, entry.from))}
                    </span>
                  </span>
                )}
                {entry.attachment != null && (
                  <Attachment
                    client={client}
                    attachment={entry.attachment}
                    transfer={transfers.get(entry.attachment.fileId)}
                    mine={entry.mine}
                  />
                )}
                {entry.recalled === true ? (
                  <p class="message-text message-recalled" data-testid="message-recalled">
                    {entry.mine ? t('actions.youRecalled') : t('actions.recalled')}
                  </p>
                ) : (
                  entry.text !== '' && (
                    <p class="message-text" dir="auto" style={cssOfStyle(entry.style)}>
                      {entry.text}
                    </p>
                  )
                )}
                {entry.reactions != null && entry.reactions.length > 0 && (
                  <Reactions reactions={entry.reactions} />
                )}
                <span class="message-meta">
                  <time
                    dateTime={new Date(entry.sentAt).toISOString()}
                    title={fullTime(entry.sentAt)}
                  >
                    {shortTime(entry.sentAt)}
                  </time>
                  {entry.editedAt != null && entry.recalled !== true && (
                    <span class="message-edited" data-testid="message-edited">
                      {t('actions.edited')}
                    </span>
                  )}
                  {entry.mine && entry.state != null && (
                    <DeliveryTicks
                      state={entry.state}
                      detail={entry.failure ?? entry.queuedReason?.message}
                    />
                  )}
                </span>
                {entry.mine && entry.state === 'queued' && entry.queuedReason != null && (
                  <span
                    class="message-waiting"
                    data-testid="queued-reason"
                    title={entry.queuedReason.message}
                  >
                    {t(QUEUED_TEXT[entry.queuedReason.code])}
                  </span>
                )}
              </li>
            ),
          )}
        </ol>
      </div>
      {upload != null && (
        <div class="transfer upload">
          <progress
            max={upload.total || 1}
            value={upload.sent}
            aria-label={t('chat.uploading', { name: upload.name })}
          />
          <span class="transfer-text">
            {t('chat.handing', {
              name: upload.name,
              sent: formatBytes(upload.sent),
              total: formatBytes(upload.total),
            })}
          </span>
        </div>
      )}
      <ErrorText message={error} />
      {actions.forwardDialog}
      <Composer
        rich={actions.editing == null}
        disabled={loading && entries.length === 0 && error == null}
        onSend={send}
        mentionables={mentionables}
        onFile={actions.editing != null ? undefined : (file) => void sendFile(file)}
        draft={actions.draft}
        banner={actions.banner}
        onTextChange={actions.editing == null ? tellTyping : undefined}
      />
    </section>
  )
}
