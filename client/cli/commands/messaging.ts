/**
 * `tokenim send | inbox | history | read`: 1:1 messages through the running node's local
 * API, with each sent message's delivery state (queued, stored k/n, delivered, read, failed).
 */
import { type Command, InvalidArgumentError } from 'commander'
import {
  API_PATHS,
  type DeliveryState,
  type HistoryResponse,
  type InboxResponse,
  type MarkReadResponse,
  type MessageStateChange,
  type MessageView,
  type NodeEventMessage,
  type SendMessageRequest,
  type SendMessageResponse,
} from '../../../protocol/local-api.ts'
import { LocalApiClient } from '../../api-client.ts'
import { UsageError } from '../../errors.ts'
import { type CommonOptions, withCommonOptions } from '../options.ts'
import { printResult } from '../output.ts'
import { printSearch } from './conversations.ts'
import { printRoomHistory, sendToRoom } from './rooms.ts'

const PEER_HELP = 'a username, a peer id or a hex public key'
const WAIT_STATES: DeliveryState[] = ['stored', 'delivered', 'read']

interface SendOptions extends CommonOptions {
  wait?: DeliveryState
  timeout: number
  room?: string
  color?: string
  size?: number
  bold?: boolean
  italic?: boolean
}

interface HistoryOptions extends CommonOptions {
  limit: number
  before?: number
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
    .option('--color <#rrggbb>', 'text colour')
    .option('--size <points>', 'font size in points', parsePositive)
    .option('--bold', 'bold text')
    .option('--italic', 'italic text')
    .action(async (to: string, words: string[], options: SendOptions) => {
      if (options.room != null) return sendToRoom(options, options.room, [to, ...words].join(' '))
      if (words.length === 0) throw new UsageError('nothing to send: tokenim send <to> <text...>')
      const client = await LocalApiClient.forDataDir(options.dataDir)
      const body: SendMessageRequest = { to, text: words.join(' ') }
      const { color, size, bold, italic } = options
      if (color != null || size != null || bold === true || italic === true) {
        body.style = { color, size, bold, italic }
      }
      if (options.wait == null) {
        const sent = await client.request<SendMessageResponse>('POST', API_PATHS.messages, body)
        printResult(options, sent, [`${sent.state}  ${sent.id} to ${sent.peerId} (#${sent.seq})`])
        return
      }
      const { sent, change } = await sendAndWait(client, body, options.wait, options.timeout)
      printResult(options, { ...sent, state: change.state, replicas: change.replicas }, [
        `${describeState(change)}  ${sent.id} to ${sent.peerId} (#${sent.seq})`,
      ])
    })

  withCommonOptions(program.command('inbox'))
    .description('conversations, most recent first, with unread counts and the latest message')
    .action(async (options: CommonOptions) => {
      const client = await LocalApiClient.forDataDir(options.dataDir)
      const inbox = await client.request<InboxResponse>('GET', API_PATHS.inbox)
      const lines = inbox.conversations.map((conversation) => {
        const counts = [
          conversation.unread > 0 ? `${conversation.unread} unread` : '',
          conversation.held > 0 ? `${conversation.held} waiting for an earlier message` : '',
        ].filter((part) => part !== '')
        const latest = conversation.latest == null ? '' : `  ${messageLine(conversation.latest)}`
        return `${conversation.peerId}${counts.length > 0 ? ` (${counts.join(', ')})` : ''}${latest}`
      })
      printResult(options, inbox, lines.length > 0 ? lines : ['no conversations yet'])
    })

  withCommonOptions(program.command('history'))
    .description('the messages of one conversation, oldest first, with delivery states')
    .argument('[peer]', PEER_HELP)
    .option('--room <id>', "a room's messages instead, in the room's order")
    .option('--limit <count>', 'messages per page', parsePositive, 50)
    .option(
      '--before <index>',
      'the page before this one (from "more:" of the previous page)',
      parsePositive,
    )
    .option('--search <text>', 'messages of every conversation with all these words, newest first')
    .option('--search-before <cursor>', 'older search hits (from "more:" of the previous page)')
    .action(async (peer: string | undefined, options: HistoryOptions) => {
      if (options.search != null) {
        return printSearch({ ...options, search: options.search, before: options.searchBefore })
      }
      if (options.room != null) return printRoomHistory(options, options.room, options)
      if (peer == null)
        throw new UsageError('name a peer, a room with --room <id>, or --search <text>')
      const client = await LocalApiClient.forDataDir(options.dataDir)
      const query = new URLSearchParams({ peer, limit: String(options.limit) })
      if (options.before != null) query.set('before', String(options.before))
      const history = await client.request<HistoryResponse>('GET', `${API_PATHS.history}?${query}`)
      printResult(options, history, [
        ...history.messages.map(messageLine),
        ...(history.held > 0
          ? [`(${history.held} more received, waiting for an earlier message)`]
          : []),
        ...(history.nextBefore != null ? [`more: --before ${history.nextBefore}`] : []),
        ...(history.messages.length === 0 ? ['no messages yet'] : []),
      ])
    })

  withCommonOptions(program.command('read'))
    .description('mark a conversation read (the peer gets a read receipt unless turned off)')
    .argument('<peer>', PEER_HELP)
    .action(async (peer: string, options: CommonOptions) => {
      const client = await LocalApiClient.forDataDir(options.dataDir)
      const result = await client.request<MarkReadResponse>('POST', API_PATHS.conversationsRead, {
        peer,
      })
      printResult(options, result, [`read up to #${result.readUpToSeq} from ${result.peerId}`])
    })
}

/** Sends, then waits for the message to reach `state` (or further), watching the events. */
async function sendAndWait(
  client: LocalApiClient,
  body: SendMessageRequest,
  state: DeliveryState,
  timeoutSeconds: number,
): Promise<{ sent: SendMessageResponse; change: MessageStateChange }> {
  const wanted = WAIT_STATES.slice(WAIT_STATES.indexOf(state))
  const changes: MessageStateChange[] = []
  let notify = () => {}
  const subscription = await client.subscribe((event: NodeEventMessage) => {
    if (event.type !== 'message:state') return
    changes.push(event.data as MessageStateChange)
    notify()
  })
  try {
    const sent = await client.request<SendMessageResponse>('POST', API_PATHS.messages, body)
    const deadline = Date.now() + timeoutSeconds * 1000
    for (;;) {
      const change = changes.find(
        (c) => c.id === sent.id && (wanted.includes(c.state) || c.state === 'failed'),
      )
      if (change != null) return { sent, change }
      const left = deadline - Date.now()
      if (left <= 0) {
        throw new UsageError(
          `message ${sent.id} is still queued after ${timeoutSeconds} s; it stays in the outbox and is sent when ${sent.peerId} can be reached`,
        )
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

function messageLine(message: MessageView): string {
  const time = new Date(message.sentAt).toISOString().slice(0, 16).replace('T', ' ')
  const arrow = message.direction === 'out' ? '>' : '<'
  const state = message.direction === 'out' ? ` [${describeState(message)}]` : ''
  return `${time} ${arrow} ${message.text}${state}`
}

function describeState(message: Pick<MessageView, 'state' | 'replicas' | 'failure'>): string {
  if (message.state === 'stored' && message.replicas != null) {
    return `stored ${message.replicas.confirmed}/${message.replicas.total}`
  }
  if (message.state === 'failed') return `failed: ${message.failure ?? 'unknown reason'}`
  return message.state ?? ''
}

function parseState(value: string): DeliveryState {
  if (!WAIT_STATES.includes(value as DeliveryState)) {
    throw new InvalidArgumentError(`must be one of ${WAIT_STATES.join(', ')}`)
  }
  return value as DeliveryState
}

function parsePositive(value: string): number {
  const number = Number(value)
  if (!Number.isSafeInteger(number) || number < 1) {
    throw new InvalidArgumentError('must be a positive integer')
  }
  return number
}
