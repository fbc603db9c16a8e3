/**
 * `tokenim chats | send-file | chat`: the conversation list, files to a peer, and an
 * interactive terminal chat, all through the running node's local API.
 */

import { resolve } from 'node:path'
import { createInterface } from 'node:readline'
import type { Command } from 'commander'
import type {
  ConversationListItem,
  MessageView,
  SendFileRequest,
  SendFileResponse,
  TransferView,
} from '../../../protocol/local-api.ts'
import { LocalApiClient, type NodeEvent } from '../../api-client.ts'
import { keyChangeLine } from '../friend-lines.ts'
import { t } from '../i18n/i18n.ts'
import { type CommonOptions, PEER_HELP, withCommonOptions } from '../options.ts'
import { minuteStamp, printResult, stateWord } from '../output.ts'
import { type PeopleNames, peopleNames } from '../people-names.ts'
import { usageError } from '../worded-errors.ts'

export function registerConversationCommands(program: Command): void {
  withCommonOptions(program.command('chats'))
    .description('conversations (1:1 and rooms), most recent first, with unread counts')
    .action(async (options: CommonOptions) => {
      const client = await LocalApiClient.forDataDir(options.dataDir)
      const [list, names] = await Promise.all([client.conversations(), peopleNames(client)])
      const lines = list.conversations.map((item) => chatLine(item, names))
      printResult(options, list, lines.length > 0 ? lines : [t('chats.none')])
    })

  withCommonOptions(program.command('send-file'))
    .description('send a file or image, end-to-end encrypted; large ones resume until received')
    .argument('<to>', PEER_HELP)
    .argument('[path]', 'the file to send')
    .option('--text <caption>', 'a text sent with it')
    .option('--wait', 'wait until the recipient has the whole file, showing progress')
    .option(
      '--room <id>',
      "send to this room's members instead (then the one argument is the file)",
    )
    .option('--mention <member...>', 'with --room: members the caption mentions')
    .action(
      async (
        to: string,
        path: string | undefined,
        options: CommonOptions & {
          text?: string
          wait?: boolean
          room?: string
          mention?: string[]
        },
      ) => {
        const client = await LocalApiClient.forDataDir(options.dataDir)
        if (options.room != null) {
          if (path != null)
            throw usageError('usage.roomFileOnly', {
              flag: '--room',
              usage: 'send-file --room <id> <path>',
            })
          const sent = await client.sendFile({
            room: options.room,
            path: resolve(to),
            text: options.text,
            mentions: options.mention,
          })
          printResult(options, sent, [transferLine(sent.transfer)])
          return
        }
        if (path == null) throw usageError('usage.nameTheFile', { usage: 'send-file <to> <path>' })
        const body: SendFileRequest = { to, path: resolve(path), text: options.text }
        if (options.wait !== true) {
          const sent = await client.sendFile(body)
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
  const result = await client.searchConversations(options.search, {
    limit: options.limit,
    before: options.before,
  })
  const names = await peopleNames(client)
  printResult(options, result, [
    ...result.hits.map((hit) =>
      hit.kind === 'direct'
        ? `${names.of(hit.peerId)}  ${messageLine(hit.message)}`
        : `${t('chats.room', { room: hit.roomId.slice(0, 12) })}  ${minuteStamp(hit.message.sentAt)} ${hit.message.mine ? '>' : '<'} ${hit.message.text}`,
    ),
    ...(result.hits.length === 0
      ? [t('history.nothingFound', { query: options.search ?? '' })]
      : []),
    ...(result.nextBefore != null
      ? [t('history.more', { flag: `--search-before '${result.nextBefore}'` })]
      : []),
  ])
}

async function chat(client: LocalApiClient, peer: string, limit: number): Promise<void> {
  // Listen before reading the history, so a message sent in between is not missed; events
  // wait until the history is on screen.
  const early: NodeEvent[] = []
  let onEvent: (event: NodeEvent) => void = (event) => early.push(event)
  const subscription = await client.subscribe((event) => onEvent(event))
  const opened = await client.openConversation({ peer, limit })
  if (opened.kind !== 'direct') throw usageError('usage.chatOnePeer', { command: 'tokenim chat' })
  const peerId = opened.history.peerId
  const names = await peopleNames(client)
  const name = names.of(peerId)
  const out = (line: string) => process.stdout.write(`${line}\n`)
  out(t('chat.intro', { peer: name === peerId ? peerId : `${name} (${peerId})` }))
  for (const message of opened.history.messages) out(messageLine(message))
  const shown = new Set(opened.history.messages.map((message) => message.id))
  const mine = new Map<string, string>()
  // Told again when another device of the account comes or goes: only a change is a line.
  let shownOnline: boolean | undefined
  onEvent = (event) => {
    if (event.type === 'message:received') {
      const message = event.data
      if (message.peerId !== peerId || shown.has(message.id)) return
      out(messageLine(message))
      // Shown on screen: read, and the sender hears so.
      void client.markRead(peerId).catch(() => undefined)
    } else if (event.type === 'message:state') {
      const change = event.data
      const text = mine.get(change.id)
      if (text == null) return
      out(
        `  ${stateWord(change.state)}${change.failure != null ? ` (${change.failure})` : ''}: ${preview(text)}`,
      )
      if (change.state === 'read' || change.state === 'failed') mine.delete(change.id)
    } else if (event.type === 'presence:changed') {
      const presence = event.data
      if (presence.peerId === peerId && presence.online !== shownOnline) {
        shownOnline = presence.online
        out(`* ${presence.online ? t('chat.isOnline', { name }) : t('chat.isOffline', { name })}`)
      }
    } else if (event.type === 'typing:changed') {
      // Only the start is worth a line: the text, or nothing, follows.
      const typing = event.data
      if (typing.peerId === peerId && typing.typing) {
        out(`* ${t('chat.isTyping', { name })}`)
      }
    } else if (event.type === 'transfer:complete') {
      const transfer = event.data
      if (transfer.peerId === peerId && transfer.direction === 'in') {
        out(
          `< ${t('chat.received', { name: transfer.name, mime: transfer.mime, size: transfer.size, sha256: transfer.sha256 })}`,
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
          const sent = await client.sendFile({
            to: peerId,
            path: resolve(text.slice('/file '.length).trim()),
          })
          out(`> ${transferLine(sent.transfer)}`)
          continue
        }
        const sent = await client.sendMessage(peerId, text)
        mine.set(sent.id, text)
        out(`${minuteStamp(Date.now())} > ${text} [${stateWord(sent.state)}]`)
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
  const subscription = await client.subscribe((event) => {
    if (
      event.type !== 'transfer:progress' &&
      event.type !== 'transfer:complete' &&
      event.type !== 'transfer:failed'
    )
      return
    const view = event.data
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
    const sent = await client.sendFile(body)
    if (sent.transfer.state === 'complete') return sent
    fileId = sent.transfer.fileId
    for (const view of early)
      if (view.fileId === fileId)
        onTransfer(`transfer:${view.state === 'complete' ? 'complete' : 'progress'}`, view)
    const view = await finished
    process.stderr.write('\n')
    if (view.state === 'failed')
      throw usageError('usage.sendingFailed', { name: view.name, failure: view.failure ?? '' })
    return { ...sent, transfer: view }
  } finally {
    subscription.close()
  }
}

/** `bob (1 unread)  12:04 < see you` or `# Book club  12:05 < Carol: chapter one`. */
function chatLine(item: ConversationListItem, names: PeopleNames): string {
  const unread = item.unread > 0 ? ` (${t('chats.unread', { count: item.unread })})` : ''
  const kind = item.kind === 'room' ? `${t('chats.roomMark')} ` : ''
  const title = item.kind === 'room' ? item.name : names.of(item.id)
  const last = item.preview
  if (last == null) return `${kind}${title}${unread}`
  const what = last.attachment != null ? `[${last.attachment.name}] ${last.text}`.trim() : last.text
  const author =
    item.kind === 'room' && !last.mine && last.from != null ? `${names.of(last.from)}: ` : ''
  return `${kind}${title}${unread}  ${minuteStamp(last.sentAt)} ${last.mine ? '>' : '<'} ${author}${what}`
}

function messageLine(message: MessageView): string {
  if (message.keyChange != null) return keyChangeLine(message, message.keyChange.fingerprint)
  const arrow = message.direction === 'out' ? '>' : '<'
  const file =
    message.attachment == null
      ? ''
      : ` [${t('history.file', { name: message.attachment.name, size: message.attachment.size })}]`
  const state =
    message.direction === 'out' && message.state != null ? ` [${stateWord(message.state)}]` : ''
  return `${minuteStamp(message.sentAt)} ${arrow} ${message.text}${file}${state}`
}

function transferLine(view: TransferView): string {
  const size = view.width != null ? `, ${view.width}x${view.height}` : ''
  const to = view.roomId != null ? `room ${view.roomId}` : view.peerId
  return `${view.state}  ${view.name} (${view.mime}${size}, ${view.size} bytes) to ${to}, sha256 ${view.sha256}`
}

function preview(text: string): string {
  return text.length > 40 ? `${text.slice(0, 39)}…` : text
}
