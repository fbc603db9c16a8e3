import { TypedEventEmitter } from 'main-event'
import type { ConnectionLimits, Host, HostInit } from '../network/host.ts'
import { toHex } from '../protocol/bytes.ts'
import type {
  EmittedNodeEvent,
  NodeEventMap,
  NodeEventType,
  NodeStatus,
} from '../protocol/local-api.ts'
import { type StopReason, stopReason } from '../protocol/stop-reasons.ts'
import type { LocalApiServer } from './api/local-api-server.ts'
import type { Attachments, AttachmentsInit } from './attachments/index.ts'
import type { RelayBootstrap } from './bootstrap.ts'
import type { VoiceCalls, VoiceCallsInit } from './calls/index.ts'
import { Composition } from './composition.ts'
import type { Conversations, ConversationsInit } from './conversations/index.ts'
import { type DataDirPaths, dataDirPaths } from './data-dir.ts'
import {
  type DeviceService,
  type DeviceServiceInit,
  friendDevicesView,
  type LinkHost,
  type LinkHostInit,
} from './devices/index.ts'
import type { NodeDirectory } from './directory/index.ts'
import { NodeNotStartedError, NodeStoppedError } from './errors.ts'
import { type Friends, type FriendsInit, friendList } from './friends/index.ts'
import type { HistoryTransfer, HistoryTransferInit } from './history-transfer/index.ts'
import { fingerprint, type Identity } from './identity/index.ts'
import type { OfflineMailboxInit } from './mailbox/index.ts'
import type { DirectMessages, DirectMessagesInit } from './messaging/index.ts'
import type { NodeLogger } from './node-log.ts'
import { composeNode, type NodeParts } from './node-parts.ts'
import type { PrekeyService, PrekeyServiceInit } from './prekeys/index.ts'
import type { Presence, PresenceInit } from './presence/index.ts'
import { friendProfileView, type ProfileService } from './profiles/index.ts'
import type { RecoveryShares } from './recovery/index.ts'
import type { RoomService, RoomServiceInit } from './rooms/index.ts'
import { NODE_VERSION } from './version.ts'

export interface TokenimNodeInit {
  /**
   * The daemon's log (node-log.ts): the node's events at info, libp2p's and the parts' lines
   * through it. @default libp2p's debug logger (DEBUG=tokenim:*)
   */
  logger?: NodeLogger
  dataDir: string
  /** The unlocked identity; its public key is the node's PeerId. */
  identity: Identity
  /** @default ['/ip4/0.0.0.0/tcp/0', '/ip4/0.0.0.0/udp/0/quic-v1', '/ip4/0.0.0.0/tcp/0/ws'] */
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
  /** Voice calls: ring timeout, the STUN and TURN servers the browser uses (node/calls). */
  calls?: VoiceCallsInit
  /** Offline mailbox: replicas, TTL, collection and republish intervals (node/mailbox). */
  mailbox?: OfflineMailboxInit
  /** Prekeys: batch sizes, rotation, republish interval (node/prekeys). */
  prekeys?: PrekeyServiceInit
  /** Friends: how often friend messages messaging did not take yet are retried (node/friends). */
  friends?: FriendsInit
  /** This device's name on first start, republish interval (node/devices). */
  devices?: DeviceServiceInit
  /** Device linking on this device: the confirmation timeout, the clock (node/devices). */
  linking?: LinkHostInit
  /** History transfers between this account's devices: pace, retry backoff (node/history-transfer). */
  history?: HistoryTransferInit
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

/** Where a node listens unless told otherwise (its composition root uses it). */
export { DEFAULT_LISTEN } from './node-host.ts'
export { NODE_VERSION }

type NodeEvents = { [T in NodeEventType]: CustomEvent<EmittedNodeEvent<T>> } & {
  stopped: CustomEvent<StopReason>
}

/**
 * The user's node: its parts (node/node-parts.ts builds them in dependency order), started
 * and stopped together, its events, and its status. A node runs once: start() after stop()
 * rejects with NodeStoppedError. A part read before it is built throws NodeNotStartedError.
 */
export class TokenimNode extends TypedEventEmitter<NodeEvents> {
  readonly #init: TokenimNodeInit
  readonly #paths: DataDirPaths
  /** Private, not #private: tests reach the internal parts (storage, mailbox) through it. */
  private readonly parts: Composition<NodeParts>
  #startedAt = 0

  constructor(init: TokenimNodeInit) {
    super()
    this.#init = init
    this.#paths = dataDirPaths(init.dataDir)
    this.parts = new Composition<NodeParts>({
      stoppedError: () => new NodeStoppedError('the node was stopped while it started'),
      notStartedError: () => new NodeNotStartedError('node is not started'),
      // Without a host (it failed to start) nothing can log: the start error tells the story.
      onStopFailure: (part, err) =>
        this.parts
          .find('host')
          ?.logger.forComponent('tokenim:node')
          .error('stopping %s failed - %e', part, err),
    })
  }

  get host(): NodeHost {
    return this.parts.get('host')
  }

  /** Usernames and the single active session (node/directory). */
  get directory(): NodeDirectory {
    return this.parts.get('directory')
  }

  /** Encrypted 1:1 messages (node/messaging). */
  get messages(): DirectMessages {
    return this.parts.get('messages')
  }

  /** Friend requests, the friend and block lists (node/friends). */
  get friends(): Friends {
    return this.parts.get('friends')
  }

  /** Friends' presence and ours (node/presence). */
  get presence(): Presence {
    return this.parts.get('presence')
  }

  /** Recovery through friends: shares kept for friends, requests, our own asks (node/recovery). */
  get recoveryShares(): RecoveryShares {
    return this.parts.get('recoveryShares')
  }

  /** This account's device list and friends' (node/devices). */
  get devices(): DeviceService {
    return this.parts.get('devices')
  }

  /** This account's profile (display name, avatar) and friends' (node/profiles). */
  get profiles(): ProfileService {
    return this.parts.get('profiles')
  }

  /** Linking new devices to the account from this one (node/devices). */
  get linkHost(): LinkHost {
    return this.parts.get('linkHost')
  }

  /** History transfers between this account's devices (node/history-transfer). */
  get history(): HistoryTransfer {
    return this.parts.get('history')
  }

  /** Our published prekeys (node/prekeys). */
  get prekeyService(): PrekeyService {
    return this.parts.get('prekeys')
  }

  /** Group rooms (node/rooms). */
  get rooms(): RoomService {
    return this.parts.get('rooms')
  }

  /** The conversation list and search over messaging and rooms (node/conversations). */
  get conversations(): Conversations {
    return this.parts.get('conversations')
  }

  /** Voice-call signalling and the call log (node/calls). */
  get calls(): VoiceCalls {
    return this.parts.get('calls')
  }

  /** Files sent and received beside 1:1 messages (node/attachments). */
  get attachments(): Attachments {
    return this.parts.get('attachments')
  }

  get peerId(): string {
    return this.host.peerId.toString()
  }

  /**
   * Builds and starts every part in order; a stop() that arrives meanwhile is noticed after
   * the part under way, and start() then throws NodeStoppedError once what was built is
   * stopped. Calls while starting or started share the first start.
   */
  async start(): Promise<void> {
    const first = this.parts.status === 'new'
    await this.parts.start((parts) =>
      composeNode(parts, {
        node: this,
        init: this.#init,
        paths: this.#paths,
        emit: (type, data) => this.#emit(type, data),
        hostStarted: () => {
          this.#startedAt = Date.now()
        },
      }),
    )
    if (!first) return
    const started = { peerId: this.peerId, listenAddresses: this.#listenAddresses() }
    this.#init.logger?.info(started, 'node started')
    this.#emit('node:started', started)
  }

  /**
   * Stops everything once, in reverse order of start; later calls wait for the same
   * shutdown. During start, waits for the part under way, then stops every part built.
   * Never rejects: a part that fails to stop is logged and the rest still stop.
   */
  async stop(why: StopReason = stopReason('user')): Promise<void> {
    let first = false
    await this.parts.stop(() => {
      first = true
      this.#emit('node:stopping', why)
    })
    if (!first) return
    this.#init.logger?.info(why, 'node stopped')
    this.safeDispatchEvent('stopped', { detail: why })
  }

  status(): NodeStatus {
    const connections = this.host.getConnections()
    const friends = this.parts.find('friends')
    const presence = this.parts.find('presence')
    return {
      peerId: this.peerId,
      publicKey: toHex(this.#init.identity.publicKey),
      fingerprint: fingerprint(this.#init.identity.publicKey),
      listenAddresses: this.#listenAddresses(),
      connections: connections.length,
      peers: [...new Set(connections.map((c) => c.remotePeer.toString()))],
      dataDir: this.#paths.root,
      apiUrl: this.parts.find('api')?.url ?? null,
      startedAt: this.#startedAt,
      version: NODE_VERSION,
      relays: this.host.services.relayBootstrap.status(),
      prekeysPublished: this.parts.find('prekeys')?.bundleConfirmed ?? false,
      friends:
        friends == null || presence == null
          ? []
          : friendList(friends, presence, (peer) => ({
              devices: friendDevicesView(this.parts.find('devices'), peer),
              profile: friendProfileView(this.parts.find('profiles'), peer),
            })),
    }
  }

  #listenAddresses(): string[] {
    return this.host.getMultiaddrs().map((ma) => ma.toString())
  }

  #emit<T extends NodeEventType>(type: T, data: NodeEventMap[T]): void {
    const message: EmittedNodeEvent<T> = { type, at: Date.now(), data }
    this.parts.find('api')?.broadcast(message as EmittedNodeEvent)
    this.safeDispatchEvent(type, { detail: message } as never)
  }
}
