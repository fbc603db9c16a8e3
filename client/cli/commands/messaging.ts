/**
 * `tokenim send | inbox | history | read`: 1:1 messages through the running node's local
 * API, with each sent message's delivery state (queued, stored k/n, delivered, read, failed).
 */

import { type Command, InvalidArgumentError } from 'commander'
import type {
  DeliveryState,
  MessageStateChange,
  MessageStyle,
  MessageView,
  SendMessageResponse,
} from '../../../protocol/local-api.ts'
import { LocalApiClient } from '../../api-client.ts'
import { keyChangeLine } from '../friend-lines.ts'
import { english, t } from '../i18n/i18n.ts'
import { type CommonOptions, PEER_HELP, withCommonOptions } from '../options.ts'
import { minuteStamp, printResult, stateWord } from '../output.ts'
import { usageError } from '../worded-errors.ts'
import { printSearch } from './conversations.ts'
import { printRoomHistory, sendToRoom } from './rooms.ts'

const WAIT_STATES: DeliveryState[] = ['stored', 'delivered', 'read']

interface SendOptions extends CommonOptions {
  wait?: DeliveryState
  timeout: number
  room?: string
  mention?: string[]
  color?: string
  size?: number
  bold?: boolean
  italic?: boolean
}

interface HistoryOptions extends CommonOptions {
  limit: number
  /** A history index (1:1) or a message id (rooms): "more:" of the page after. */
  before?: string
  room?: string
  search?: string
  searchBefore?: string
}

export function registerMessagingCommands(program: Command): void {
  withCommonOptions(program.command('send'))
    .description('send an end-to-end encrypted message; it waits in the outbox until delivered')
    .argument('<to>', PEER_HELP)
    .argument('[text...]', 'the message (words are joined with spaces)')
    .option('--wait <state>', `wait until the message is ${WAIT_STATES.join(', ')}`, parseState)
    .option('--timeout <seconds>', 'longest wait with --wait', parsePositive, 60)
    .option('--room <id>', 'send to this room instead (then every argument is the message)')
    .option(
      '--mention <member...>',
      'with --room: members the message mentions (peer ids or keys); they are notified',
    )
    .option('--color <#rrggbb>', 'text colour')
    .option('--size <points>', 'font size in points', parsePositive)
    .option('--bold', 'bold text')
    .option('--italic', 'italic text')
    .action(async (to: string, words: string[], options: SendOptions) => {
      if (options.room != null) {
        return sendToRoom(options, options.room, [to, ...words].join(' '), {
          style: messageStyle(options),
          mentions: options.mention,
        })
      }
      if (words.length === 0)
        throw usageError('usage.nothingToSend', { usage: 'tokenim send <to> <text...>' })
      const client = await LocalApiClient.forDataDir(options.dataDir)
      const text = words.join(' ')
      const style = messageStyle(options)
      if (options.wait == null) {
        const sent = await client.sendMessage(to, text, style)
        printResult(options, sent, [
          `${stateWord(sent.state)}  ${t('send.to', { id: sent.id, peer: sent.peerId, seq: sent.seq })}`,
        ])
        return
      }
      const { sent, change } = await sendAndWait(
        client,
        () => client.sendMessage(to, text, style),
        options.wait,
        options.timeout,
      )
      printResult(options, { ...sent, state: change.state, replicas: change.replicas }, [
        `${describeState(change)}  ${t('send.to', { id: sent.id, peer: sent.peerId, seq: sent.seq })}`,
      ])
    })

  withCommonOptions(program.command('inbox'))
    .description('conversations, most recent first, with unread counts and the latest message')
    .action(async (options: CommonOptions) => {
      const client = await LocalApiClient.forDataDir(options.dataDir)
      const inbox = await client.inbox()
      const lines = inbox.conversations.map((conversation) => {
        const counts = [
          conversation.unread > 0 ? t('chats.unread', { count: conversation.unread }) : '',
          conversation.held > 0 ? t('inbox.held', { count: conversation.held }) : '',
        ].filter((part) => part !== '')
        const latest = conversation.latest == null ? '' : `  ${messageLine(conversation.latest)}`
        return `${conversation.peerId}${counts.length > 0 ? ` (${counts.join(', ')})` : ''}${latest}`
      })
      printResult(options, inbox, lines.length > 0 ? lines : [t('chats.none')])
    })

  withCommonOptions(program.command('history'))
    .description('the messages of one conversation, oldest first, with delivery states')
    .argument('[peer]', PEER_HELP)
    .option('--room <id>', "a room's messages instead, in the room's order")
    .option('--limit <count>', 'messages per page', parsePositive, 50)
    .option('--before <cursor>', 'the page before this one (from "more:" of the previous page)')
    .option('--search <text>', 'messages of every conversation with all these words, newest first')
    .option('--search-before <cursor>', 'older search hits (from "more:" of the previous page)')
    .action(async (peer: string | undefined, options: HistoryOptions) => {
      if (options.search != null) {
        return printSearch({ ...options, search: options.search, before: options.searchBefore })
      }
      const { limit, before } = options
      if (options.room != null) return printRoomHistory(options, options.room, { limit, before })
      if (peer == null)
        throw usageError('usage.historyOfWhat', { room: '--room <id>', search: '--search <text>' })
      const client = await LocalApiClient.forDataDir(options.dataDir)
      const history = await client.history(peer, {
        limit,
        // The API refuses what is not a history index, with a clear error.
        before: before == null ? undefined : Number(before),
      })
      printResult(options, history, [
        ...history.messages.map(messageLine),
        ...(history.held > 0 ? [`(${t('history.held', { count: history.held })})`] : []),
        ...(history.nextBefore != null
          ? [t('history.more', { flag: `--before ${history.nextBefore}` })]
          : []),
        ...(history.messages.length === 0 ? [t('rooms.noMessages')] : []),
      ])
    })

  withCommonOptions(program.command('read'))
    .description('mark a conversation read (the peer gets a read receipt unless turned off)')
    .argument('<peer>', PEER_HELP)
    .action(async (peer: string, options: CommonOptions) => {
      const client = await LocalApiClient.forDataDir(options.dataDir)
      const result = await client.markRead(peer)
      printResult(options, result, [
        t('read.done', { seq: result.readUpToSeq, peer: result.peerId }),
      ])
    })
}

/** Calls `send`, then waits for the message to reach `state` (or further), watching the events. */
async function sendAndWait(
  client: LocalApiClient,
  send: () => Promise<SendMessageResponse>,
  state: DeliveryState,
  timeoutSeconds: number,
): Promise<{ sent: SendMessageResponse; change: MessageStateChange }> {
  const wanted = WAIT_STATES.slice(WAIT_STATES.indexOf(state))
  const changes: MessageStateChange[] = []
  let notify = () => {}
  const subscription = await client.subscribe((event) => {
    if (event.type !== 'message:state') return
    changes.push(event.data)
    notify()
  })
  try {
    const sent = await send()
    const deadline = Date.now() + timeoutSeconds * 1000
    for (;;) {
      const change = changes.find(
        (c) => c.id === sent.id && (wanted.includes(c.state) || c.state === 'failed'),
      )
      if (change != null) return { sent, change }
      const left = deadline - Date.now()
      if (left <= 0) {
        throw usageError('usage.stillQueued', {
          id: sent.id,
          seconds: timeoutSeconds,
          peer: sent.peerId,
        })
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        notify = () => {
          clearTimeout(timer)
          resolve()
        }
      })
    }
  } finally {
    subscription.close()
  }
}

/** The style options given, or undefined for the default look. */
function messageStyle({ color, size, bold, italic }: SendOptions): MessageStyle | undefined {
  if (color == null && size == null && bold !== true && italic !== true) return undefined
  return { color, size, bold, italic }
}

function messageLine(message: MessageView): string {
  if (message.keyChange != null) return keyChangeLine(message, message.keyChange.fingerprint)
  const arrow = message.direction === 'out' ? '>' : '<'
  const state = message.direction === 'out' ? ` [${describeState(message)}]` : ''
  return `${minuteStamp(message.sentAt)} ${arrow} ${message.text}${state}`
}

function describeState(
  message: Pick<MessageView, 'state' | 'replicas' | 'failure' | 'queuedReason'>,
): string {
  if (message.state === 'stored' && message.replicas != null) {
    return `${stateWord('stored')} ${message.replicas.confirmed}/${message.replicas.total}`
  }
  if (message.state === 'failed') {
    return `${stateWord('failed')}: ${message.failure ?? t('state.unknownReason')}`
  }
  if (message.state === 'queued' && message.queuedReason != null) {
    return `${stateWord('queued')}: ${message.queuedReason.message}`
  }
  return message.state == null ? '' : stateWord(message.state)
}

function parseState(value: string): DeliveryState {
  if (!WAIT_STATES.includes(value as DeliveryState)) {
    throw new InvalidArgumentError(english('invalid.oneOf', { choices: WAIT_STATES.join(', ') }))
  }
  return value as DeliveryState
}

function parsePositive(value: string): number {
  const number = Number(value)
  if (!Number.isSafeInteger(number) || number < 1) {
    throw new InvalidArgumentError(english('invalid.positive'))
  }
  return number
}
