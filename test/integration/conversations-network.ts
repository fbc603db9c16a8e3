/**
 * Chat peers for the conversation and attachment tests and benchmarks: a messaging peer
 * (real host on loopback TCP, LevelDB in a folder that survives restarts, real mailbox and
 * DirectMessages, see messaging-peers.ts) with rooms, Conversations and Attachments wired
 * the way the node wires them.
 */
import { join } from 'node:path'
import {
  Attachments,
  type AttachmentsInit,
  type TransferEvent,
} from '../../node/attachments/index.ts'
import { Conversations } from '../../node/conversations/index.ts'
import type { Identity } from '../../node/identity/index.ts'
import { RoomService } from '../../node/rooms/index.ts'
import type { TransferView } from '../../protocol/local-api.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { waitForEvent } from '../helpers/wait.ts'
import { type BundleDirectory, type MessagingPeer, startMessagingPeer } from './messaging-peers.ts'

export interface ChatPeer {
  base: MessagingPeer
  identity: Identity
  peerId: string
  keyHex: string
  rooms: RoomService
  conversations: Conversations
  attachments: Attachments
  dataDir: string
  /** transfer:* events, and the base peer's message events. */
  events: EventTarget
  transfers: Array<{ type: TransferEvent; view: TransferView }>
  stop(): Promise<void>
  /** The same identity and folder, started again. */
  restart(): Promise<ChatPeer>
  remove(): Promise<void>
}

export interface ChatPeerOptions {
  directory: BundleDirectory
  identity?: Identity
  dir?: { path: string; remove(): Promise<void> }
  attachments?: AttachmentsInit
  /** Sync LevelDB writes (default: off, as in the messaging benchmark). */
  syncWrites?: boolean
}

export async function startChatPeer(options: ChatPeerOptions): Promise<ChatPeer> {
  const dir = options.dir ?? (await makeTempDir('tokenim-chat-'))
  const base = await startMessagingPeer({
    directory: options.directory,
    identity: options.identity,
    dir,
    messaging: { syncWrites: options.syncWrites ?? true },
  })
  const events = base.events
  const transfers: ChatPeer['transfers'] = []
  const log = base.host.logger.forComponent('tokenim:test')
  const rooms = new RoomService({
    host: base.host as never,
    db: base.storage.sublevel('rooms'),
    identity: base.identity,
    emit: (type, data) => events.dispatchEvent(new CustomEvent(type, { detail: data })),
  })
  rooms.addEventListener('room:message', (event) => conversations.roomMessage(event.detail))
  const attachments = new Attachments(
    {
      host: base.host,
      db: base.storage.sublevel('attachments'),
      filesDir: join(dir.path, 'files'),
      identity: base.identity,
      messages: base.messages,
      emit: (type, view) => {
        transfers.push({ type, view })
        events.dispatchEvent(new CustomEvent(type, { detail: view }))
      },
    },
    { retryIntervalMs: 3_600_000, ...options.attachments },
  )
  const conversations = new Conversations({
    db: base.storage.sublevel('conversations'),
    messages: base.messages,
    rooms,
    attachmentState: (fileId) => attachments.state(fileId),
    forgetFiles: (fileIds, peerHex) => attachments.forget(fileIds, peerHex),
    compact: () => base.storage.compact(),
    log,
  })
  await rooms.start()
  await attachments.start()
  await conversations.start()
  let stopping: Promise<void> | undefined
  const stop = () => {
    stopping ??= (async () => {
      await conversations.stop()
      await attachments.stop()
      await rooms.stop()
      await base.stop()
    })()
    return stopping
  }
  return {
    base,
    identity: base.identity,
    peerId: base.host.peerId.toString(),
    keyHex: Buffer.from(base.identity.publicKey).toString('hex'),
    rooms,
    conversations,
    attachments,
    dataDir: dir.path,
    events,
    transfers,
    stop,
    restart: async () => {
      await stop()
      return startChatPeer({ ...options, identity: base.identity, dir })
    },
    remove: async () => {
      await stop()
      await dir.remove()
    },
  }
}

export async function connectChatPeers(a: ChatPeer, b: ChatPeer): Promise<void> {
  await a.base.host.dial(b.base.host.getMultiaddrs()[0])
}

/** Resolves with the first transfer event of `type` for `fileId` (at once if it came). */
export function transferEvent(
  peer: ChatPeer,
  type: TransferEvent,
  fileId: string,
  timeoutMs = 30_000,
  filter: (view: TransferView) => boolean = () => true,
): Promise<TransferView> {
  const seen = peer.transfers.find(
    (event) => event.type === type && event.view.fileId === fileId && filter(event.view),
  )
  if (seen != null) return Promise.resolve(seen.view)
  return waitForEvent<TransferView>(peer.events, type, {
    timeoutMs,
    filter: (view) => view.fileId === fileId && filter(view),
  })
}

/** Resolves once `peer` has an incoming transfer (any file) with the given state. */
export function incomingTransfer(peer: ChatPeer, timeoutMs = 30_000): Promise<TransferView> {
  const seen = peer.transfers.find((event) => event.view.direction === 'in')
  if (seen != null) return Promise.resolve(seen.view)
  return waitForEvent<TransferView>(peer.events, 'transfer:progress', {
    timeoutMs,
    filter: (view) => view.direction === 'in',
  })
}
