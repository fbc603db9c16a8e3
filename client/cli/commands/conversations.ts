/**
 * `tokenim chats | send-file | chat`: the conversation list, files to a peer, and an
 * interactive terminal chat, all through the running node's local API.
 */
import { resolve } from 'node:path'
import { createInterface } from 'node:readline'
import type { Command } from 'commander'
import {
  API_PATHS,
  CONVERSATION_API_PATHS,
  type ConversationListItem,
  type ConversationListResponse,
  type ConversationSearchResponse,
  FILE_API_PATHS,
  type MessageStateChange,
  type MessageView,
  type NodeEventMessage,
  type OpenConversationResponse,
  type PresenceView,
  type SendFileRequest,
  type SendFileResponse,
  type SendMessageResponse,
  type TransferView,
} from '../../../protocol/local-api.ts'
import { LocalApiClient } from '../../api-client.ts'
import { UsageError } from '../../errors.ts'
import { type CommonOptions, withCommonOptions } from '../options.ts'
import { printResult } from '../output.ts'

const PEER_HELP = 'a username, a peer id or a hex public key'

export function registerConversationCommands(program: Command): void {
  withCommonOptions(program.command('chats'))
    .description('conversations (1:1 and rooms), most recent first, with unread counts')
    .action(async (options: CommonOptions) => {
      const client = await LocalApiClient.forDataDir(options.dataDir)
      const list = await client.request<ConversationListResponse>(
        'GET',
        CONVERSATION_API_PATHS.list,
      )
      const lines = list.conversations.map(chatLine)
      printResult(options, list, lines.length > 0 ? lines : ['no conversations yet'])
    })

  withCommonOptions(program.command('send-file'))
    .description('send a file or image, end-to-end encrypted; large ones resume until received')
    .argument('<to>', PEER_HELP)
    .argument('<path>', 'the file to send')
    .option('--text <caption>', 'a text sent with it')
    .option('--wait', 'wait until the recipient has the whole file, showing progress')
    .action(
      async (
        to: string,
        path: string,
        options: CommonOptions & { text?: string; wait?: boolean },
      ) => {
        const client = await LocalApiClient.forDataDir(options.dataDir)
        const body: SendFileRequest = { to, path: resolve(path), text: options.text }
        if (options.wait !== true) {
          const sent = await client.request<SendFileResponse>('POST', FILE_API_PATHS.send, body)
          printResult(options, sent, [transferLine(sent.transfer)])
          return
        }
        const sent = await sendFileAndWait(client, body)
        printResult(options, sent, [transferLine(sent.transfer)])
      },
    )

  withCommonOptions(program.command('chat'))
    .description(
      'chat with a peer in the terminal: incoming messages show live; type and Enter to send',
    )
    .argument('<peer>', PEER_HELP)
    .option('--limit <count>', 'earlier messages shown first', (v) => Number(v), 20)
    .action(async (peer: string, options: CommonOptions & { limit: number }) => {
      await chat(await LocalApiClient.forDataDir(options.dataDir), peer, options.limit)
    })
}

/** `tokenim history --search <text>`: hits across every conversation, newest first. */
export async function printSearch(
  options: CommonOptions & { limit: number; search: string; before?: string },
): Promise<void> {
  const client = await LocalApiClient.forDataDir(options.dataDir)
  const query = new URLSearchParams({ q: options.search, limit: String(options.limit) })
  if (options.before != null) query.set('before', options.before)
  const result = await client.request<ConversationSearchResponse>(
    'GET',
    `${CONVERSATION_API_PATHS.search}?${query}`,
  )
  printResult(options, result, [
    ...result.hits.map((hit) =>
      hit.kind === 'direct'
        ? `${hit.peerId}  ${messageLine(hit.message)}`
        : `room ${hit.roomId.slice(0, 12)}  ${time(hit.message.sentAt)} ${hit.message.mine ? '>' : '<'} ${hit.message.text}`,
    ),
    ...(result.hits.length === 0 ? [`nothing found for "${options.search}"`] : []),
    ...(result.nextBefore != null ? [`more: --search-before '${result.nextBefore}'`] : []),
  ])
}

async function chat(client: LocalApiClient, peer: string, limit: number): Promise<void> {
  // Listen before reading the history, so a message sent in between is not missed; events
  // wait until the history is on screen.
  const early: NodeEventMessage[] = []
  let onEvent: (event: NodeEventMessage) => void = (event) => early.push(event)
  const subscription = await client.subscribe((event: NodeEventMessage) => onEvent(event))
  const opened = await client.request<OpenConversationResponse>(
    'POST',
    CONVERSATION_API_PATHS.open,
    {
      peer,
      limit,
    },
  )
  if (opened.kind !== 'direct') throw new UsageError('tokenim chat talks to one peer')
  const peerId = opened.history.peerId
  const out = (line: string) => process.stdout.write(`${line}\n`)
  out(
    `chat with ${peerId}: type a message and press Enter; /file <path> sends a file; /quit leaves`,
  )
  for (const message of opened.history.messages) out(messageLine(message))
  const shown = new Set(opened.history.messages.map((message) => message.id))
  const mine = new Map<string, string>()
  onEvent = (event: NodeEventMessage) => {
    if (event.type === 'message:received') {
      const message = event.data as MessageView
      if (message.peerId !== peerId || shown.has(message.id)) return
      out(messageLine(message))
      // Shown on screen: read, and the sender hears so.
      void client
        .request('POST', API_PATHS.conversationsRead, { peer: peerId })
        .catch(() => undefined)
    } else if (event.type === 'message:state') {
      const change = event.data as MessageStateChange
      const text = mine.get(change.id)
      if (text == null) return
      out(
        `  ${change.state}${change.failure != null ? ` (${change.failure})` : ''}: ${preview(text)}`,
      )
      if (change.state === 'read' || change.state === 'failed') mine.delete(change.id)
    } else if (event.type === 'presence:changed') {
      const presence = event.data as PresenceView
      if (presence.peerId === peerId)
        out(`* ${presence.name ?? peerId} is ${presence.online ? 'online' : 'offline'}`)
    } else if (event.type === 'transfer:complete') {
      const transfer = event.data as TransferView
      if (transfer.peerId === peerId && transfer.direction === 'in') {
        out(
          `< received ${transfer.name} (${transfer.mime}, ${transfer.size} bytes): ${transfer.sha256}`,
        )
      }
    }
  }
  for (const event of early.splice(0)) onEvent(event)
  const input = createInterface({ input: process.stdin, terminal: false })
  try {
    for await (const line of input) {
      const text = line.trim()
      if (text === '') continue
      if (text === '/quit') break
      try {
        if (text.startsWith('/file ')) {
          const sent = await client.request<SendFileResponse>('POST', FILE_API_PATHS.send, {
            to: peerId,
            path: resolve(text.slice('/file '.length).trim()),
          })
          out(`> ${transferLine(sent.transfer)}`)
          continue
        }
        const sent = await client.request<SendMessageResponse>('POST', API_PATHS.messages, {
          to: peerId,
          text,
        })
        mine.set(sent.id, text)
        out(`${time(Date.now())} > ${text} [${sent.state}]`)
      } catch (err) {
        out(`! ${(err as Error).message}`)
      }
    }
  } finally {
    input.close()
    subscription.close()
  }
}

async function sendFileAndWait(
  client: LocalApiClient,
  body: SendFileRequest,
): Promise<SendFileResponse> {
  let fileId: string | undefined
  let done: (view: TransferView) => void = () => {}
  const finished = new Promise<TransferView>((resolve) => {
    done = resolve
  })
  const early: TransferView[] = []
  const subscription = await client.subscribe((event: NodeEventMessage) => {
    if (!event.type.startsWith('transfer:')) return
    const view = event.data as TransferView
    if (fileId == null) early.push(view)
    else if (view.fileId === fileId) onTransfer(event.type, view)
  })
  const onTransfer = (type: string, view: TransferView) => {
    if (view.direction !== 'out') return
    if (type === 'transfer:progress') {
      process.stderr.write(`\r${view.name}: ${Math.floor((100 * view.bytes) / view.size)}%`)
    } else done(view)
  }
  try {
    const sent = await client.request<SendFileResponse>('POST', FILE_API_PATHS.send, body)
    if (sent.transfer.state === 'complete') return sent
    fileId = sent.transfer.fileId
    for (const view of early)
      if (view.fileId === fileId)
        onTransfer(`transfer:${view.state === 'complete' ? 'complete' : 'progress'}`, view)
    const view = await finished
    process.stderr.write('\n')
    if (view.state === 'failed')
      throw new UsageError(`sending ${view.name} failed: ${view.failure}`)
    return { ...sent, transfer: view }
  } finally {
    subscription.close()
  }
}

function chatLine(item: ConversationListItem): string {
  const unread = item.unread > 0 ? ` (${item.unread} unread)` : ''
  const kind = item.kind === 'room' ? 'room ' : ''
  const last = item.preview
  if (last == null) return `${kind}${item.name}${unread}`
  const what = last.attachment != null ? `[${last.attachment.name}] ${last.text}`.trim() : last.text
  return `${kind}${item.name}${unread}  ${time(last.sentAt)} ${last.mine ? '>' : '<'} ${what}`
}

function messageLine(message: MessageView): string {
  const arrow = message.direction === 'out' ? '>' : '<'
  const file =
    message.attachment == null
      ? ''
      : ` [file ${message.attachment.name}, ${message.attachment.size} bytes]`
  const state = message.direction === 'out' && message.state != null ? ` [${message.state}]` : ''
  return `${time(message.sentAt)} ${arrow} ${message.text}${file}${state}`
}

function transferLine(view: TransferView): string {
  const size = view.width != null ? `, ${view.width}x${view.height}` : ''
  return `${view.state}  ${view.name} (${view.mime}${size}, ${view.size} bytes) to ${view.peerId}, sha256 ${view.sha256}`
}

function time(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ')
}

function preview(text: string): string {
  return text.length > 40 ? `${text.slice(0, 39)}…` : text
}
