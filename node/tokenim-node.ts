import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { TypedEventEmitter } from 'main-event'
import { toHex } from '../protocol/bytes.ts'
import {
  API_PATHS,
  type ApiInfo,
  type NodeEventMap,
  type NodeEventMessage,
  type NodeEventType,
  type NodeStatus,
} from '../protocol/local-api.ts'
import { LocalApiServer, type Routes } from './api/local-api-server.ts'
import { Attachments, type AttachmentsInit, attachmentRoutes } from './attachments/index.ts'
import {
  parseRelayAddresses,
  type RelayBootstrap,
  relayBootstrap,
  relayPeerId,
  relaysFromNodeConfig,
} from './bootstrap.ts'
import { Conversations, type ConversationsInit, conversationRoutes } from './conversations/index.ts'
import { type DataDirPaths, ensureDataDir } from './data-dir.ts'
import {
  directoryDhtSelectors,
  directoryDhtValidators,
  directoryRoutes,
  NodeDirectory,
  signedInElsewhereEvent,
} from './directory/index.ts'
import { NodeStoppedError } from './errors.ts'
import { Friends, type FriendsInit, friendList, friendsRoutes } from './friends/index.ts'
import { type ConnectionLimits, createHost, type Host, type HostInit } from './host.ts'
import { fingerprint, type Identity, toLibp2pPrivateKey } from './identity/index.ts'
import { OfflineMailbox, type OfflineMailboxInit } from './mailbox/index.ts'
import { DirectMessages, type DirectMessagesInit, messagingRoutes } from './messaging/index.ts'
import { PrekeyService, type PrekeyServiceInit } from './prekeys/index.ts'
import { Presence, type PresenceInit, presenceRoutes } from './presence/index.ts'
import { relayRoutes } from './relays/api-routes.ts'
import { RoomService, type RoomServiceInit, roomRoutes } from './rooms/index.ts'
import { StartStopGuard, type StoppablePart, stopEach } from './start-stop-guard.ts'
import { openStorage, type Storage } from './storage.ts'

export interface TokenimNodeInit {
  dataDir: string
  /** The unlocked identity; its public key is the node's PeerId. */
  identity: Identity
  /** @default ['/ip4/0.0.0.0/tcp/0', '/ip4/0.0.0.0/tcp/0/ws'] */
  listen?: string[]
  /** Port of the local API on 127.0.0.1; `false` runs without it (tests, embedding). @default 0 */
  apiPort?: number | false
  /**
   * A local API server that already listens (the daemon's): the node mounts its routes on it
   * and leaves it running when it stops. Overrides `apiPort`.
   */
  api?: LocalApiServer
  /** Keep loopback and private addresses in DHT answers (simulations, LANs). @default false */
  allowPrivateAddresses?: boolean
  connectionLimits?: ConnectionLimits
  /** Group rooms: sync and key retry intervals, timeouts (node/rooms). */
  rooms?: RoomServiceInit
  /**
   * Relays to bootstrap from and stay connected to (multiaddrs ending in /p2p/<peer id>),
   * added to the `relays` list of `<dataDir>/config.json` if that file exists.
   * @default []
   */
  relays?: string[]
  /** Backoff of relay redials; tests shorten it. @default { initialDelayMs: 1000, maxDelayMs: 60000 } */
  relayRedial?: { initialDelayMs?: number; maxDelayMs?: number }
  /** 1:1 messaging: ack timeout, read receipts, mailbox collection and retry intervals. */
  messaging?: DirectMessagesInit
  /** Offline mailbox: replicas, TTL, collection and republish intervals (node/mailbox). */
  mailbox?: OfflineMailboxInit
  /** Prekeys: batch sizes, rotation, republish interval (node/prekeys). */
  prekeys?: PrekeyServiceInit
  /** Friends: how often friend messages messaging did not take yet are retried (node/friends). */
  friends?: FriendsInit
  /** Attachments: size limit (default 100 MiB), inline size, retry interval (node/attachments). */
  attachments?: AttachmentsInit
  /** Conversation list and history search (node/conversations). */
  conversations?: ConversationsInit
  /** Presence: heartbeat interval, redial backoff (node/presence). */
  presence?: PresenceInit
  /** Host settings for simulations: the memory transport, a connection gater, gossip and monitor tuning. */
  hostOptions?: Pick<
    HostInit,
    'transports' | 'connectionGater' | 'gossipOptions' | 'connectionMonitor'
  >
}

/** The node's libp2p host: the shared stack plus the relay bootstrap. */
export type NodeHost = Host<{ relayBootstrap: RelayBootstrap }>

export const DEFAULT_LISTEN = ['/ip4/0.0.0.0/tcp/0', '/ip4/0.0.0.0/tcp/0/ws']
export const NODE_VERSION = '0.1.0'

type NodeEvents = { [T in NodeEventType]: CustomEvent<NodeEventMessage<T>> } & {
  stopped: CustomEvent<{ reason: string }>
}

/**
 * The user's node: libp2p host, storage and local API, started and stopped together.
 * Later features (messaging, friends, rooms) hang off it as components.
 */
export class TokenimNode extends TypedEventEmitter<NodeEvents> {
  private readonly init: TokenimNodeInit
  private paths?: DataDirPaths
  private storage?: Storage
  private hostInstance?: NodeHost
  private roomsInstance?: RoomService
  private api?: LocalApiServer
  private apiRoutes?: Routes
  private directoryInstance?: NodeDirectory
  private prekeys?: PrekeyService
  private mailbox?: OfflineMailbox
  private messagesInstance?: DirectMessages
  private friendsInstance?: Friends
  private attachmentsInstance?: Attachments
  private conversationsInstance?: Conversations
  private presenceInstance?: Presence
  private startedAt = 0
  private readonly lifecycle = new StartStopGuard({
    release: () => this.releaseResources(),
    stoppedError: () => new NodeStoppedError('the node was stopped while it started'),
  })

  constructor(init: TokenimNodeInit) {
    super()
    this.init = init
  }

  get host(): NodeHost {
    if (this.hostInstance == null) throw new Error('node is not started')
    return this.hostInstance
  }

  /** Usernames and the single active session (node/directory). */
  get directory(): NodeDirectory {
    if (this.directoryInstance == null) throw new Error('node is not started')
    return this.directoryInstance
  }

  /** Encrypted 1:1 messages (node/messaging). */
  get messages(): DirectMessages {
    if (this.messagesInstance == null) throw new Error('node is not started')
    return this.messagesInstance
  }

  /** Friend requests, the friend and block lists (node/friends). */
  get friends(): Friends {
    if (this.friendsInstance == null) throw new Error('node is not started')
    return this.friendsInstance
  }

  /** Friends' presence and ours (node/presence). */
  get presence(): Presence {
    if (this.presenceInstance == null) throw new Error('node is not started')
    return this.presenceInstance
  }

  /** Our published prekeys (node/prekeys). */
  get prekeyService(): PrekeyService {
    if (this.prekeys == null) throw new Error('node is not started')
    return this.prekeys
  }

  get peerId(): string {
    return this.host.peerId.toString()
  }

  /**
   * Starts every part in order; a stop() that arrives meanwhile is noticed after the step
   * under way, which then throws NodeStoppedError once what was started is released.
   */
  async start(): Promise<void> {
    await this.lifecycle.start(() => this.startParts())
    this.emitEvent('node:started', {
      peerId: this.peerId,
      listenAddresses: this.listenAddresses(),
    })
  }

  private async startParts(): Promise<void> {
    const checkpoint = () => this.lifecycle.checkpoint()
    this.paths = await ensureDataDir(this.init.dataDir)
    checkpoint()
    const storage = await openStorage(this.paths.database, { identity: this.init.identity })
    this.storage = storage
    checkpoint()
    const relays = [
      ...new Set([...(this.init.relays ?? []), ...(await relaysFromNodeConfig(this.paths.root))]),
    ]
    this.hostInstance = await createHost(
      {
        privateKey: toLibp2pPrivateKey(this.init.identity),
        datastore: this.storage.datastore,
        // Circuit addresses come from the relay bootstrap, once each relay is connected.
        listen: this.init.listen ?? DEFAULT_LISTEN,
        // On one machine or a LAN every address is private and a node stays a DHT client.
        dhtServer: this.init.allowPrivateAddresses === true ? false : 'auto',
        allowPrivateAddresses: this.init.allowPrivateAddresses,
        connectionLimits: this.init.connectionLimits,
        circuitRelayClient: true,
        peerExchangeFrom: parseRelayAddresses(relays).map((address) =>
          relayPeerId(address).toString(),
        ),
        dhtValidators: directoryDhtValidators,
        dhtSelectors: directoryDhtSelectors,
        ...this.init.hostOptions,
      },
      {
        relayBootstrap: relayBootstrap({
          relays,
          initialRedialDelayMs: this.init.relayRedial?.initialDelayMs,
          maxRedialDelayMs: this.init.relayRedial?.maxDelayMs,
        }),
      },
    )
    const { migration } = this.storage
    if (migration.sealed + migration.dropped > 0) {
      this.host.logger.forComponent('tokenim:storage')(
        'sealed %d records written before sealing; dropped %d search index records to rebuild',
        migration.sealed,
        migration.dropped,
      )
    }
    this.host.addEventListener('peer:connect', (evt) => {
      this.emitEvent('peer:connected', { peerId: evt.detail.toString() })
    })
    this.host.addEventListener('peer:disconnect', (evt) => {
      this.emitEvent('peer:disconnected', { peerId: evt.detail.toString() })
    })
    await this.host.start()
    this.startedAt = Date.now()
    checkpoint()
    await this.startRooms(this.storage)
    checkpoint()
    this.directoryInstance = new NodeDirectory({
      host: this.host,
      identity: this.init.identity,
      store: this.storage.sublevel('directory'),
      log: this.host.logger.forComponent('tokenim:directory'),
      relays,
      onSignedInElsewhere: (info) => {
        const event = signedInElsewhereEvent(info)
        this.emitEvent('session:signed-in-elsewhere', event)
        void this.stop(event.reason) // never rejects
      },
    })
    await this.directoryInstance.start()
    for (const startPart of [
      () => this.startFriends(storage),
      () => this.startMessaging(storage),
      () => this.startPresence(storage),
      () => this.startConversations(storage),
    ]) {
      checkpoint()
      await startPart()
    }
    checkpoint()
    if (this.init.api != null || this.init.apiPort !== false) await this.startApi()
  }

  /**
   * Stops everything once; later calls wait for the same shutdown. During start, waits for
   * the step under way, then releases everything started. Never rejects: a part that fails
   * to stop is logged and the rest still stop.
   */
  async stop(reason = 'stopped by the user'): Promise<void> {
    let first = false
    await this.lifecycle.stop(() => {
      first = true
      this.emitEvent('node:stopping', { reason })
    })
    if (first) this.safeDispatchEvent('stopped', { detail: { reason } })
  }

  status(): NodeStatus {
    const connections = this.host.getConnections()
    return {
      peerId: this.peerId,
      publicKey: toHex(this.init.identity.publicKey),
      fingerprint: fingerprint(this.init.identity.publicKey),
      listenAddresses: this.listenAddresses(),
      connections: connections.length,
      peers: [...new Set(connections.map((c) => c.remotePeer.toString()))],
      dataDir: this.paths?.root ?? this.init.dataDir,
      apiUrl: this.api?.url ?? null,
      startedAt: this.startedAt,
      version: NODE_VERSION,
      relays: this.host.services.relayBootstrap.status(),
      prekeysPublished: this.prekeys?.bundleConfirmed ?? false,
      friends:
        this.friendsInstance == null || this.presenceInstance == null
          ? []
          : friendList(this.friendsInstance, this.presenceInstance),
    }
  }

  /** Group rooms (node/rooms): started after the host, stopped before it. */
  get rooms(): RoomService {
    if (this.roomsInstance == null) throw new Error('node is not started')
    return this.roomsInstance
  }

  private async startRooms(storage: Storage): Promise<void> {
    this.roomsInstance = new RoomService(
      {
        host: this.host,
        db: storage.sublevel('rooms'),
        identity: this.init.identity,
        emit: (type, data) => this.emitEvent(type, data as never),
      },
      this.init.rooms,
    )
    await this.roomsInstance.start()
  }

  private listenAddresses(): string[] {
    return this.host.getMultiaddrs().map((ma) => ma.toString())
  }

  /** Prekeys, the offline mailbox and 1:1 messaging on them; after the host, before the API. */
  private async startMessaging(storage: Storage): Promise<void> {
    const identity = this.init.identity
    this.prekeys = new PrekeyService(
      { host: this.host, identity, store: storage.sublevel('prekeys') },
      this.init.prekeys,
    )
    await this.prekeys.start()
    this.mailbox = new OfflineMailbox(
      { host: this.host, identity, store: storage.sublevel('mailbox') },
      this.init.mailbox,
    )
    await this.mailbox.start()
    const directory = this.directory
    const friends = this.friends
    this.messagesInstance = new DirectMessages(
      {
        host: this.host,
        db: storage.sublevel('messaging'),
        identity,
        prekeys: this.prekeys,
        mailbox: this.mailbox,
        social: this.friendsInstance,
        // The people we know first: only strangers need the directory (and so a relay).
        lookupUsername: async (name, options) =>
          friends.keyOfKnownName(name) ??
          new Uint8Array(Buffer.from((await directory.lookup(name, options)).publicKey, 'hex')),
        emit: (type: 'message:received' | 'message:state', data: never) =>
          this.emitEvent(type, data),
      },
      this.init.messaging,
    )
    await this.messagesInstance.start()
  }

  /** Before messaging, which asks friends whom to drop and hands them friend messages. */
  private async startFriends(storage: Storage): Promise<void> {
    const directory = this.directory
    this.friendsInstance = new Friends(
      {
        db: storage.sublevel('friends'),
        identity: this.init.identity,
        messaging: () => this.messagesInstance,
        directory: {
          lookup: (name) => directory.lookup(name),
          ownName: async () => (await directory.names())[0]?.scopedName,
        },
        log: this.host.logger.forComponent('tokenim:friends'),
        emit: (type, data) => this.emitEvent(type, data),
      },
      this.init.friends,
    )
    await this.friendsInstance.start()
  }

  /** After messaging: friend messages left from the last run go out, then heartbeats. */
  private async startPresence(storage: Storage): Promise<void> {
    void this.friends.sendPending()
    this.presenceInstance = new Presence(
      {
        host: this.host,
        identity: this.init.identity,
        db: storage.sublevel('presence'),
        friends: this.friends,
        emit: (type, data) => this.emitEvent(type, data),
      },
      this.init.presence,
    )
    await this.presenceInstance.start()
  }

  /** The conversation list and search over messaging and rooms, and attachments on messaging. */
  get conversations(): Conversations {
    if (this.conversationsInstance == null) throw new Error('node is not started')
    return this.conversationsInstance
  }

  get attachments(): Attachments {
    if (this.attachmentsInstance == null) throw new Error('node is not started')
    return this.attachmentsInstance
  }

  private async startConversations(storage: Storage): Promise<void> {
    const attachments = new Attachments(
      {
        host: this.host,
        db: storage.sublevel('attachments'),
        filesDir: join(this.paths!.root, 'files'),
        identity: this.init.identity,
        messages: this.messages,
        emit: (type, data) => this.emitEvent(type, data),
      },
      this.init.attachments,
    )
    this.attachmentsInstance = attachments
    await attachments.start()
    const conversations = new Conversations(
      {
        db: storage.sublevel('conversations'),
        messagingDb: storage.sublevel('messaging'),
        messages: this.messages,
        rooms: this.rooms,
        onHistory: (entries) => attachments.receiveHistory(entries),
        attachmentState: (fileId) => attachments.state(fileId),
        forgetFiles: (peerHex) => attachments.forgetPeer(peerHex),
        compact: () => storage.compact(),
        log: this.host.logger.forComponent('tokenim:conversations'),
      },
      this.init.conversations,
    )
    this.conversationsInstance = conversations
    this.addEventListener('message:received', () => conversations.messageStored())
    this.addEventListener('room:message', (event) => conversations.roomMessage(event.detail.data))
    await conversations.start()
  }

  private async startApi(): Promise<void> {
    const routes: Routes = {
      [`GET ${API_PATHS.status}`]: async () => this.status(),
      [`GET ${API_PATHS.id}`]: async () => {
        const { peerId, publicKey, fingerprint } = this.status()
        return { peerId, publicKey, fingerprint }
      },
      [`POST ${API_PATHS.stop}`]: async () => {
        // Answer first, then shut down, so the caller sees its request succeed.
        setImmediate(() => void this.stop('stopped through the local API'))
        return { stopping: true }
      },
      ...directoryRoutes(this.directory),
      ...messagingRoutes(() => this.messages),
      ...roomRoutes(() => this.rooms),
      ...friendsRoutes(
        () => this.friends,
        () => this.presence,
      ),
      ...presenceRoutes(() => this.presence),
      ...conversationRoutes(() => this.conversations),
      ...attachmentRoutes(() => this.attachments),
      ...relayRoutes(
        () => this.host.services.relayBootstrap,
        () => this.paths!.root,
      ),
    }
    this.apiRoutes = routes
    if (this.init.api != null) {
      this.api = this.init.api
      this.api.mount(routes)
    } else {
      this.api = new LocalApiServer({ port: this.init.apiPort || 0, routes })
      await this.api.start()
    }
    const info: ApiInfo = {
      url: this.api.url,
      token: this.api.token,
      pid: process.pid,
      peerId: this.peerId,
    }
    await writeFile(this.paths!.apiInfo, JSON.stringify(info), { mode: 0o600 })
  }

  /** Stops every part started, in reverse order; one that fails is logged, not fatal. */
  private async releaseResources(): Promise<void> {
    const log = this.hostInstance?.logger.forComponent('tokenim:node')
    const parts: StoppablePart[] = [
      ['the local API', this.api && (() => this.stopApi())],
      ['presence', this.presenceInstance && (() => this.presenceInstance?.stop())],
      ['conversations', this.conversationsInstance && (() => this.conversationsInstance?.stop())],
      ['attachments', this.attachmentsInstance && (() => this.attachmentsInstance?.stop())],
      ['messaging', this.messagesInstance && (() => this.messagesInstance?.stop())],
      ['friends', this.friendsInstance && (() => this.friendsInstance?.stop())],
      ['the mailbox', this.mailbox && (() => this.mailbox?.stop())],
      ['prekeys', this.prekeys && (() => this.prekeys?.stop())],
      ['the directory', this.directoryInstance && (() => this.directoryInstance?.stop())],
      ['rooms', this.roomsInstance && (() => this.roomsInstance?.stop())],
      ['the libp2p host', this.hostInstance && (() => this.hostInstance?.stop())],
      ['storage', this.storage && (() => this.storage?.close())],
    ]
    // Without a host (it failed to start) nothing can log: the start error tells the story.
    await stopEach(parts, (name, err) => log?.error('stopping %s failed - %e', name, err))
  }

  private async stopApi(): Promise<void> {
    await rm(this.paths!.apiInfo, { force: true })
    if (this.api === this.init.api) this.api!.unmount(this.apiRoutes!)
    else await this.api!.stop()
    this.api = undefined
  }

  private emitEvent<T extends NodeEventType>(type: T, data: NodeEventMap[T]): void {
    const message: NodeEventMessage<T> = { type, at: Date.now(), data }
    this.api?.broadcast(message as NodeEventMessage)
    this.safeDispatchEvent(type, { detail: message } as never)
  }
}
