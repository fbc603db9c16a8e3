/**
 * What RoomService is given and what it tells: the host it runs on, the components the node
 * hands it, its options, and its events. The node, the simulation and the tests build the
 * service from these (through index.ts); the parts never see them.
 *
 * Guarantees, and how they are kept:
 * - The host is a Pick of libp2p's: the service uses nothing of the node that is not listed
 *   here, so a new reach into libp2p shows in this file.
 * - Every option (RoomServiceInit) states its default, which room-service.ts applies.
 */
import type { GossipSub } from '@libp2p/gossipsub'
import type { Libp2p } from '@libp2p/interface'
import type { RoomMembersChange, RoomMessageView, RoomReadEvent } from '../../protocol/local-api.ts'
import type { AttachmentContent, TextStyle } from '../../protocol/rich-content.ts'
import type { Identity } from '../identity/index.ts'
import type { AppLevel } from '../storage.ts'
import type { OwnDeviceList } from './room-devices.ts'
import type { AccountKeyStatements } from './room-key-moves.ts'
import type { RoomProfile } from './room-profiles.ts'
import type { SenderKeyTransport } from './sender-key-transport.ts'

export type RoomHost = Pick<
  Libp2p<{ pubsub: GossipSub }>,
  | 'services'
  | 'peerId'
  | 'handle'
  | 'unhandle'
  | 'dial'
  | 'dialProtocol'
  | 'getConnections'
  | 'peerRouting'
  | 'addEventListener'
  | 'removeEventListener'
  | 'logger'
>

/** What a message may carry besides its words. */
export interface RoomSendOptions {
  replyTo?: string
  forwarded?: boolean
  style?: TextStyle
  mentions?: string[]
  attachment?: AttachmentContent
}

export interface RoomServiceEvents {
  'room:message': RoomMessageView
  'room:updated': RoomMessageView
  'room:members': RoomMembersChange
  /** Another device of our account read a room (own-device sync). */
  'room:read': RoomReadEvent
}

/**
 * The same events as DOM events, dispatched on the service for listeners inside the node, and
 * one for the node alone: `room:profile`, a member's profile read from a room (room-profiles.ts),
 * which node/profiles judges before anything shows it.
 */
export type RoomServiceEventMap = {
  [K in keyof RoomServiceEvents]: CustomEvent<RoomServiceEvents[K]>
} & { 'room:profile': CustomEvent<RoomProfile> }

export interface RoomServiceComponents {
  host: RoomHost
  /** The sublevel rooms own (`storage.sublevel('rooms')`). */
  db: AppLevel
  identity: Identity
  /** Carries sender keys to other members. @default a StreamSenderKeyTransport on the host */
  keyTransport?: SenderKeyTransport
  /**
   * The node's public event bus (the local API's events). Parts of the node that react to
   * rooms listen on the service itself (`addEventListener`), not on this bus.
   */
  emit?<T extends keyof RoomServiceEvents>(type: T, data: RoomServiceEvents[T]): void
  /** The account's key statements (the keystore's chain), for rooms to follow. @default none */
  keyStatements?(): Promise<AccountKeyStatements | undefined>
  /**
   * Our account's current device list (node/devices), for our other devices to read and
   * write in our rooms; call `ownDevicesChanged` when it changes. @default a single device
   */
  ownDeviceList?(): OwnDeviceList | undefined
  /**
   * The user read a room here up to its events of Lamport time `lamport`: our account's other
   * devices follow (messaging's own-device sync; a function, as messaging is built later).
   */
  onRead?(roomIdHex: string, lamport: number): void
  /**
   * Our current signed profile (node/profiles), which rooms carry to their members: put in a
   * room on joining it and by `publishProfile`. @default none
   */
  ownProfile?(): Uint8Array | undefined
}

export interface RoomServiceInit {
  /** How long after sending a message its recall is honoured. @default RECALL_WINDOW_MS */
  recallWindowMs?: number
  /** How often each room syncs with one connected member, to fill gaps. @default 30000 */
  syncIntervalMs?: number
  /** How often undelivered sender keys are retried. @default 10000 */
  keyRetryIntervalMs?: number
  /** Deadline of one sync exchange or key delivery. @default 10000 */
  requestTimeoutMs?: number
  /** Least time between two syncs of one room with one peer, unless forced. @default 2000 */
  minSyncGapMs?: number
  /** Members dialled per room on start and after joining. @default 6 */
  membersToDial?: number
  /**
   * A copy of an event we hold, arriving this long after its author wrote it, is a replay
   * and is rejected; a copy arriving sooner is a late duplicate and is ignored. Longer than
   * gossipsub's seen-cache (2 min), which drops duplicates before they get here.
   * @default 600000
   */
  replayAgeMs?: number
}
