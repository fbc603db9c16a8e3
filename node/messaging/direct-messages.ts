/**
 * The messaging component of a node: the pipeline, the DM streams, the mailbox collection
 * and the timers that keep retrying, started after the libp2p host and stopped before it.
 */
import type { Libp2p, PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type { PeerStreamHost } from '../../network/peer-streams.ts'
import { bytesEqual, fromHex, toHex } from '../../protocol/bytes.ts'
import type {
  ConversationClearedEvent,
  ConversationReadEvent,
  ConversationSummary,
  HistoryResponse,
  MarkReadResponse,
  MessageDevicesResponse,
  MessageStateChange,
  MessageView,
  SendMessageResponse,
} from '../../protocol/local-api.ts'
import { decodeFriendMessage } from '../../protocol/social.ts'
import { type Identity, peerIdOf } from '../identity/index.ts'
import { ServiceLifecycle } from '../service-lifecycle.ts'
import type { AppLevel } from '../storage.ts'
import { DeviceFanOut } from './device-fan-out.ts'
import { DeviceMirror } from './device-mirror.ts'
import { DmChannels } from './dm-channels.ts'
import {
  DeviceRevokedError,
  InvalidRecipientError,
  MessageNotFoundError,
  MessagingStoppedError,
  RecipientNotFoundError,
} from './errors.ts'
import { FeedFollower, type FeedFollowerInit } from './feed-follower.ts'
import { HiddenCopies } from './hidden-copies.ts'
import type { HistoryFeed } from './history-feed.ts'
import type { ActionHome, ActionRequest } from './message-actions.ts'
import { MessagePipeline } from './message-pipeline.ts'
import { type HistoryRecord, storedAttachment } from './message-store.ts'
import type { TextExtras } from './outbound.ts'
import { OwnDeviceSync, type OwnDeviceSyncInit } from './own-device-sync.ts'
import type {
  AccountDevicesPort,
  CallPort,
  MailboxPort,
  MailboxSlotDetail,
  PrekeyPort,
  SentFilesPort,
  SocialPort,
  UsernameLookup,
} from './ports.ts'

export interface DirectMessagesInit {
  /** How long a directly sent message waits for its ack before it goes to the mailbox. @default 5000 */
  ackTimeoutMs?: number
  /** Tell peers when we read their messages. @default true */
  readReceipts?: boolean
  /** How often to collect from the mailbox while online. @default 30000 */
  collectIntervalMs?: number
  /** How often to retry what waits in the outbox. @default 30000 */
  retryIntervalMs?: number
  /** Longest wait between lookups of a bundle not published yet (see MessagePipelineInit). @default 10000 */
  bundleRetryMs?: number
  /** Bad frames after which a DM stream is closed. @default 5 */
  maxBadFrames?: number
  /** Texts held per conversation while waiting for an earlier one; beyond, refused. @default 10000 */
  maxHeldPerConversation?: number
  /** How long after sending a message its recall is honoured. @default RECALL_WINDOW_MS */
  recallWindowMs?: number
  /** A message not delivered after this long is shown as failed. @default 30 days */
  giveUpAfterMs?: number
  /** @default 10000 */
  dialTimeoutMs?: number
  /**
   * Sync every write to disk before acting on it (acks, receipts, events). Only simulations
   * and benchmarks turn it off: a crash could then lose messages already acknowledged.
   * @default true
   */
  syncWrites?: boolean
  /** Called for every bad frame, with the peer's running total. */
  onPenalty?: (peerId: string, reason: string, total: number) => void
}

export interface DirectMessagesComponents {
  host: PeerStreamHost &
    Pick<Libp2p, 'handle' | 'unhandle' | 'addEventListener' | 'removeEventListener' | 'logger'>
  /** The sublevel messaging owns. */
  db: AppLevel
  identity: Identity
  prekeys: PrekeyPort
  mailbox?: MailboxPort
  social?: SocialPort
  /** Voice calls (node/calls): where call signals go. */
  calls?: CallPort
  lookupUsername?: UsernameLookup
  /** Accounts' devices (node/devices): without it every peer has one device. */
  devices?: AccountDevicesPort
  /** Our sent files (node/attachments): what copies of a text with a file carry. */
  sentFiles?: SentFilesPort
  /** Our account's device list, as another of its devices sent it (node/devices judges it). */
  takeOwnList?(from: Uint8Array, record: Uint8Array): Promise<void>
  /** Our account's profile, as another of its devices sent it (node/profiles judges it). */
  takeOwnProfile?(record: Uint8Array): Promise<void>
  /** A room read on another device of our account, up to Lamport time `lamport` (node/rooms). */
  takeRoomRead?(roomIdHex: string, lamport: number): void
  /** Where the friend list stands with a peer on another device of our account (node/friends). */
  takeFriendSync?: OwnDeviceSyncInit['takeFriend']
  /** Forgets the files of texts deleted as another device did, and compacts (node/conversations). */
  forgetSyncedDeletes?: OwnDeviceSyncInit['forgetDeleted']
  emit(type: 'message:received' | 'message:updated', data: MessageView): void
  emit(type: 'message:state', data: MessageStateChange): void
  /** What another device of our account changed here (own-device-sync.ts). */
  emitSynced?(type: 'conversation:read', data: ConversationReadEvent): void
  emitSynced?(type: 'conversation:cleared', data: ConversationClearedEvent): void
}

export const DEFAULT_COLLECT_INTERVAL_MS = 30_000
export const DEFAULT_RETRY_INTERVAL_MS = 30_000
/** A conversation quiet this long gives its cached history back (MessagePipeline). */
const QUIET_HISTORY_AFTER_MS = 5 * 60_000
const QUIET_HISTORY_CHECK_MS = 60_000

/** What a delete took away here: how many texts, and the files they carried (ids, hex). */
export interface DeletedHistory {
  peerId: string
  deleted: number
  files: string[]
}

export class DirectMessages {
  readonly pipeline: MessagePipeline
  readonly channels: DmChannels
  /** Copies for every device of an account, and where what they send is shown (devices). */
  readonly devices?: {
    fanOut: DeviceFanOut
    mirror: DeviceMirror
    /** The texts of a conversation that arrived elsewhere, deleted with it. */
    hidden: HiddenCopies
    /** Read marks, deletions and the device list between our account's devices. */
    sync: OwnDeviceSync
    followers: FeedFollower[]
  }
  readonly #init: DirectMessagesInit
  readonly #components: DirectMessagesComponents
  readonly #log
  readonly #timers: NodeJS.Timeout[] = []
  #collecting: Promise<unknown> | undefined
  /** Its signal aborts mailbox queries under way when messaging stops. */
  readonly #lifecycle = new ServiceLifecycle(() => new MessagingStoppedError('messaging stopped'))
  readonly #onConnect = (event: CustomEvent<PeerId>) => {
    const key = event.detail.publicKey
    if (key?.type !== 'Ed25519') return
    this.pipeline.retry(key.raw).catch((err: Error) => {
      this.#log.error('retrying the outbox of %p failed: %s', event.detail, err.message)
    })
  }
  readonly #onMailboxExpired = (event: Event) => {
    const { slotId } = (event as CustomEvent<MailboxSlotDetail>).detail
    this.pipeline.handleMailboxExpired(slotId).catch((err: Error) => {
      this.#log.error('recording the expiry of mailbox slot %s failed: %s', slotId, err.message)
    })
  }
  readonly #onMailboxStored = (event: Event) => {
    const detail = (event as CustomEvent<MailboxSlotDetail>).detail
    const replicas = {
      confirmed: detail.confirmed ?? 0,
      total: detail.total ?? detail.confirmed ?? 0,
    }
    this.pipeline.handleMailboxStored(detail.slotId, replicas).catch((err: Error) => {
      this.#log.error('recording mailbox slot %s as stored failed: %s', detail.slotId, err.message)
    })
  }

  constructor(components: DirectMessagesComponents, init: DirectMessagesInit = {}) {
    this.#components = components
    this.#init = init
    this.#log = components.host.logger.forComponent('tokenim:dm')
    let channels: DmChannels | undefined
    this.pipeline = new MessagePipeline({
      db: components.db,
      identity: components.identity,
      prekeys: components.prekeys,
      mailbox: components.mailbox,
      social: socialPort(components.social, components.devices, (from, payload, sentAtMs) =>
        this.devices!.sync.take(from, payload, sentAtMs),
      ),
      calls: components.calls,
      link: { send: (peer, envelope) => channels!.send(peer, envelope) },
      log: this.#log,
      emit: (type, data) => {
        if (this.devices?.fanOut.takesEvent(type, data) === true) return
        components.emit(type as 'message:state', data as MessageStateChange)
      },
      readReceipts: init.readReceipts,
      ackTimeoutMs: init.ackTimeoutMs,
      maxHeldPerConversation: init.maxHeldPerConversation,
      recallWindowMs: init.recallWindowMs,
      actionHome: (sender, sentTo) =>
        actionHome(components.devices, components.identity.publicKey, sender, sentTo),
      copyAction: async (peer, sent) => this.devices?.fanOut.copyAction(peer, sent),
      giveUpAfterMs: init.giveUpAfterMs,
      bundleRetryMs: init.bundleRetryMs,
      syncWrites: init.syncWrites,
    })
    channels = new DmChannels({
      host: components.host,
      pipeline: this.pipeline,
      log: this.#log,
      maxBadFrames: init.maxBadFrames,
      dialTimeoutMs: init.dialTimeoutMs,
      onPenalty: init.onPenalty,
    })
    this.channels = channels
    if (components.devices != null) {
      const parts = {
        pipeline: this.pipeline,
        devices: components.devices,
        myKey: components.identity.publicKey,
        log: this.#log,
      }
      const fanOut = new DeviceFanOut({ ...parts, files: components.sentFiles })
      const mirror = new DeviceMirror(parts)
      const hidden = new HiddenCopies(this.pipeline, components.devices)
      const sync = new OwnDeviceSync({
        ...parts,
        takeOwnList: components.takeOwnList,
        takeOwnProfile: components.takeOwnProfile,
        takeRoomRead: components.takeRoomRead,
        takeFriend: components.takeFriendSync,
        forgetDeleted: components.forgetSyncedDeletes,
        emit: (type, data) => components.emitSynced?.(type as 'conversation:read', data as never),
      })
      const follow = (name: string, take: FeedFollowerInit['take']) =>
        new FeedFollower({ feed: this.pipeline.feed, name, take, log: this.#log })
      this.devices = {
        fanOut,
        mirror,
        hidden,
        sync,
        followers: [
          follow('device-fan-out', (entries) => fanOut.take(entries)),
          follow('device-mirror', (entries) => mirror.take(entries)),
          follow('device-sync', (entries) => sync.takeArrived(entries)),
        ],
      }
    }
  }

  async start(): Promise<void> {
    if (!this.#lifecycle.start()) return
    await this.pipeline.start()
    await this.devices?.sync.start()
    await this.channels.start()
    for (const follower of this.devices?.followers ?? []) follower.start()
    this.#components.host.addEventListener('peer:connect', this.#onConnect)
    this.#components.mailbox?.addEventListener('mailbox:stored', this.#onMailboxStored)
    this.#components.mailbox?.addEventListener('mailbox:expired', this.#onMailboxExpired)
    const every = (ms: number, task: () => unknown) => {
      const timer = setInterval(task, ms)
      timer.unref()
      this.#timers.push(timer)
    }
    every(this.#init.retryIntervalMs ?? DEFAULT_RETRY_INTERVAL_MS, () => this.retry())
    every(QUIET_HISTORY_CHECK_MS, () => this.pipeline.forgetQuietHistory(QUIET_HISTORY_AFTER_MS))
    if (this.#components.mailbox != null) {
      every(this.#init.collectIntervalMs ?? DEFAULT_COLLECT_INTERVAL_MS, () => this.collect())
    }
    // Not awaited: start must not wait on the network.
    void this.collect()
    void this.retry()
  }

  async stop(): Promise<void> {
    await this.#lifecycle.stop(() => {
      for (const timer of this.#timers.splice(0)) clearInterval(timer)
      this.#components.host.removeEventListener('peer:connect', this.#onConnect)
      this.#components.mailbox?.removeEventListener('mailbox:stored', this.#onMailboxStored)
      this.#components.mailbox?.removeEventListener('mailbox:expired', this.#onMailboxExpired)
    })
    await this.channels.stop()
    await Promise.all(this.devices?.followers.map((follower) => follower.stop()) ?? [])
    await this.devices?.sync.stop()
    await this.#collecting?.catch(() => undefined)
    await this.pipeline.stop()
  }

  /** Sends what waits in the outbox again. */
  retry(): Promise<void> {
    return this.pipeline.retry().catch((err: Error) => {
      this.#log.error('retrying the outbox failed: %s', err.message)
    })
  }

  /**
   * Collects from the mailbox now (runs are never concurrent: a call during a run waits for
   * it). Resolves with what the run took in.
   */
  async collect(): Promise<{ stored: number; duplicates: number; rejected: number }> {
    const mailbox = this.#components.mailbox
    const none = { stored: 0, duplicates: 0, rejected: 0 }
    if (mailbox == null) return none
    while (this.#collecting != null) await this.#collecting.catch(() => undefined)
    const run = (async () => {
      const signal = this.#lifecycle.signal()
      // Each envelope goes to the pipeline as soon as it is read: the scan still reads the
      // next (usually empty) slot, which the message need not wait for.
      const taken: Array<Promise<{ stored: number; duplicates: number; rejected: number }>> = []
      await mailbox.collect(await this.pipeline.knownPeers(), {
        signal,
        onEnvelope: (envelope) => {
          if (signal.aborted) return
          taken.push(
            this.#components.devices?.thisDeviceRevoked() === true
              ? this.#dropRevoked(mailbox, envelope.slotId)
              : this.pipeline.collect([envelope]),
          )
        },
      })
      const counts = { ...none }
      for (const result of await Promise.all(taken)) {
        counts.stored += result.stored
        counts.duplicates += result.duplicates
        counts.rejected += result.rejected
      }
      signal.throwIfAborted()
      return counts
    })()
    this.#collecting = run
    try {
      return await run
    } catch (err) {
      if (this.#lifecycle.running) {
        this.#log.error('collecting from the mailbox failed: %s', (err as Error).message)
      }
      return none
    } finally {
      this.#collecting = undefined
    }
  }

  /**
   * This device was revoked: what still comes for it from the mailbox (left before the
   * depositor learned of the revoke) is cleared unread, so it shows nothing new.
   */
  async #dropRevoked(
    mailbox: MailboxPort,
    slotId: string,
  ): Promise<{ stored: number; duplicates: number; rejected: number }> {
    await mailbox.acknowledge(slotId).catch((err: Error) => {
      this.#log('could not clear mailbox slot %s: %s', slotId, err.message)
    })
    return { stored: 0, duplicates: 0, rejected: 1 }
  }

  /** Queues a text, with an optional style and attachment (node/attachments sends files). */
  async send(to: string, text: string, extras?: TextExtras): Promise<SendMessageResponse> {
    this.#checkNotRevoked()
    const peer = await this.resolvePeer(to)
    const sent = await this.pipeline.send(peer, text, extras)
    const fanOut = this.devices?.fanOut
    if (fanOut != null) {
      const now = Date.now()
      const record: HistoryRecord = {
        id: sent.id,
        direction: 'out',
        seq: sent.seq,
        text,
        sentAt: now,
        storedAt: now,
        style: extras?.style,
      }
      // The copies carry the file as the peer's text does (its key, or its bytes).
      if (extras?.attachment != null) record.attachment = storedAttachment(extras.attachment)
      fanOut
        .copyNow(peer, record, extras?.attachment)
        .catch((err: Error) => this.#log.error('copying %s failed: %s', sent.id, err.message))
    }
    return sent
  }

  /**
   * Edits, recalls or reacts to message `id` of the conversation with `peer`
   * (doc/message-actions.md); resolves with the message as it is now.
   */
  async act(peer: string, id: string, request: ActionRequest): Promise<MessageView> {
    this.#checkNotRevoked()
    return this.pipeline.act(await this.resolvePeer(peer), id, request)
  }

  /**
   * Deletes messages of the conversation on this node, and on our account's other devices; the
   * peer keeps theirs.
   */
  async deleteForMe(peer: string, ids: string[]): Promise<DeletedHistory> {
    const key = await this.resolvePeer(peer)
    await this.devices?.sync.deleting(key, ids)
    const { deleted, files } = await this.pipeline.deleteForMe(key, ids)
    const elsewhere = (await this.devices?.hidden.delete(key, ids)) ?? []
    return {
      peerId: peerIdOf({ publicKey: key }).toString(),
      deleted,
      files: [...files, ...elsewhere],
    }
  }

  /**
   * Deletes the conversation's history on this node, and on our account's other devices up to
   * the same record; the peer keeps theirs.
   */
  async clearHistory(peer: string): Promise<DeletedHistory> {
    const key = await this.resolvePeer(peer)
    const upTo = await this.pipeline.marks.newestId(key, false)
    const cleared = await this.pipeline.clearHistory(key)
    const files = (await this.devices?.hidden.clear(key)) ?? []
    await this.devices?.sync.cleared(key, upTo)
    return { ...cleared, files }
  }

  /** Queues a social message (node/friends) for `peer`, a raw Ed25519 key. */
  /** True once message `id` to `peer` was acknowledged or deposited in the mailbox. */
  handedOver(peer: Uint8Array, id: string): boolean {
    return this.pipeline.handedOver(peer, id)
  }

  /** Our key rotated and the node is about to stop: see MessagePipeline.retireOwnKey. */
  retireOwnKey(): Promise<void> {
    return this.pipeline.retireOwnKey()
  }

  /** A friend's key rotation was taken: its conversation follows it (conversation-move.ts). */
  moveConversation(previous: Uint8Array, current: Uint8Array): Promise<void> {
    return this.pipeline.moveConversation(previous, current)
  }

  sendSocial(peer: Uint8Array, payload: Uint8Array): Promise<{ id: string }> {
    this.#checkNotRevoked()
    return this.pipeline.sendSocial(peer, payload)
  }

  /** Queues a voice-call signal (node/calls) for `peer`, a raw Ed25519 key. */
  sendCall(peer: Uint8Array, payload: Uint8Array): Promise<{ id: string }> {
    this.#checkNotRevoked()
    return this.pipeline.sendCall(peer, payload)
  }

  /** A revoked device sends nothing as the account (its friends would drop it anyway). */
  #checkNotRevoked(): void {
    if (this.#components.devices?.thisDeviceRevoked() === true) throw new DeviceRevokedError()
  }

  /** Every conversation but those with another device of an account (shown under it). */
  async inbox(): Promise<ConversationSummary[]> {
    const conversations = await this.pipeline.inbox()
    const fanOut = this.devices?.fanOut
    if (fanOut == null) return conversations
    return conversations.filter(
      (summary) => !fanOut.hides(peerIdFromString(summary.peerId).publicKey!.raw),
    )
  }

  /** Devices their accounts revoked: nothing more is sent to them (see forgetDevice). */
  async forgetDevices(devices: Uint8Array[]): Promise<void> {
    const port = this.#components.devices
    if (port == null) return
    const known = new Set((await this.pipeline.knownPeers()).map((peer) => toHex(peer)))
    for (const device of devices) {
      // A key a rotation retired is listed as revoked too: its conversation and what waits
      // for it move to the new key (conversation-move.ts), so it is left alone here.
      if (known.has(toHex(device)) && port.isRevoked(device)) {
        await this.pipeline.forgetDevice(device)
      }
    }
  }

  /**
   * A device list newly names these devices: what they sent before this node knew whose they
   * were is shown under their account now (DeviceMirror.catchUpDevice).
   */
  async showFromDevices(devices: Uint8Array[]): Promise<void> {
    const mirror = this.devices?.mirror
    if (mirror == null) return
    const known = new Set((await this.pipeline.knownPeers()).map((peer) => toHex(peer)))
    for (const device of devices) {
      if (known.has(toHex(device))) await mirror.catchUpDevice(device)
    }
  }

  /** True for a conversation shown under another: with another device of an account. */
  hidden(peerHex: string): boolean {
    return this.devices?.fanOut.hides(fromHex(peerHex)) ?? false
  }

  /** Our text `id` to `peer`: its state on each of the peer's devices. */
  async messageDevices(peer: string, id: string): Promise<MessageDevicesResponse> {
    const key = await this.resolvePeer(peer)
    const fanOut = this.devices?.fanOut
    if (fanOut != null) return fanOut.detail(key, id)
    const record = await this.pipeline.sentRecord(key, id)
    if (record == null) throw new MessageNotFoundError(`no text of ours with id ${id}`)
    const state = record.state ?? 'queued'
    const peerId = peerIdOf({ publicKey: key }).toString()
    return { id, peerId, state, devices: [{ peerId, state }] }
  }

  /** What the history gained and lost, in order: what search and attachments derive from. */
  get historyFeed(): HistoryFeed {
    return this.pipeline.feed
  }

  /** The history record a feed entry names, as the API shows it; undefined once deleted. */
  message(peerHex: string, index: number): Promise<MessageView | undefined> {
    return this.pipeline.message(peerHex, index)
  }

  async history(
    peer: string,
    options?: { limit?: number; before?: number },
  ): Promise<HistoryResponse> {
    return this.pipeline.history(await this.resolvePeer(peer), options)
  }

  /**
   * Marks the peer's texts read, and those its account's other devices sent (shown under it),
   * so each device that sent one gets its read receipt; our account's other devices read the
   * conversation up to the same text.
   */
  async markRead(peer: string): Promise<MarkReadResponse> {
    const key = await this.resolvePeer(peer)
    const { unread } = await this.pipeline.history(key, { limit: 1 })
    const marked = await this.pipeline.markRead(key)
    for (const device of this.#components.devices?.otherDevicesOf(key) ?? []) {
      await this.pipeline.markRead(device.key)
    }
    if (unread > 0) await this.devices?.sync.read(key)
    return marked
  }

  /** A peer id, a hex Ed25519 public key, or a username (when the directory is wired). */
  async resolvePeer(to: string): Promise<Uint8Array> {
    const value = to.trim()
    if (/^[0-9a-f]{64}$/i.test(value)) return new Uint8Array(Buffer.from(value, 'hex'))
    let peerId: PeerId | undefined
    try {
      peerId = peerIdFromString(value)
    } catch {
      peerId = undefined
    }
    if (peerId != null) {
      if (peerId.publicKey?.type !== 'Ed25519') {
        throw new InvalidRecipientError(`${value} is not a TokenIM identity (Ed25519 peer id)`)
      }
      return peerId.publicKey.raw
    }
    const lookup = this.#components.lookupUsername
    if (lookup == null) {
      throw new RecipientNotFoundError(
        `"${value}" is not a peer id or a public key, and this node cannot look up usernames yet`,
      )
    }
    const key = await lookup(value, { signal: AbortSignal.timeout(15_000) })
    if (key == null) throw new RecipientNotFoundError(`no user named "${value}" in the directory`)
    return key
  }
}

/**
 * Where an action from `sender` acts (MessagePipelineInit.actionHome): one from another
 * device of ours acts, as ours, in the conversation with the peer it names; one from a
 * friend's other device, as the friend's, in the conversation with its account.
 */
function actionHome(
  devices: AccountDevicesPort | undefined,
  myKey: Uint8Array,
  sender: Uint8Array,
  sentTo: Uint8Array | undefined,
): ActionHome | null | undefined {
  if (devices == null) return undefined
  if (devices.isOwnDevice(sender)) {
    if (sentTo == null || bytesEqual(sentTo, myKey) || devices.isOwnDevice(sentTo)) return null
    return { peer: sentTo, who: 'out' }
  }
  const account = devices.friendAccountOf(sender)
  return account == null ? undefined : { peer: account, who: 'in' }
}

/**
 * Friends as the pipeline asks them, with revoked devices dropped like blocked peers (what a
 * revoked device still sends is answered as stored and never shown), and the sync messages of
 * our own devices taken by `sync` instead of friends.
 */
function socialPort(
  social: SocialPort | undefined,
  devices: AccountDevicesPort | undefined,
  sync: SocialPort['receive'],
): SocialPort | undefined {
  if (social == null || devices == null) return social
  return {
    isBlocked: (peer) => social.isBlocked(peer) || devices.isRevoked(peer),
    receive: (peer, payload, sentAtMs) => {
      const deviceSync = devices.isOwnDevice(peer) ? deviceSyncIn(payload) : undefined
      return deviceSync != null
        ? sync(peer, deviceSync, sentAtMs)
        : social.receive(peer, payload, sentAtMs)
    },
  }
}

/** The DeviceSync a `device-sync` friend message carries; undefined for any other. */
function deviceSyncIn(payload: Uint8Array): Uint8Array | undefined {
  try {
    return decodeFriendMessage(payload).deviceSync
  } catch {
    return undefined // friends log and drop what does not decode
  }
}
