/** The event stream (`GET /v1/events`, a WebSocket): every event type and its data. */
import type { DeviceLinkStatus } from './devices.ts'
import type { TransferView } from './files.ts'
import type {
  FriendDevicesEvent,
  FriendKeyChangedEvent,
  FriendReachView,
  FriendRemovedEvent,
  FriendRequestView,
  FriendView,
  PeerRef,
  PresenceView,
} from './friends.ts'
import type { MessageStateChange, MessageView } from './messages.ts'
import type { RoomMembersChange, RoomMessageView } from './rooms.ts'

/** Events a node streams over `GET /v1/events` (WebSocket). */
export interface NodeEventMap {
  'node:started': { peerId: string; listenAddresses: string[] }
  /** An attachment transfer moved on (throttled: a few times a second at most). */
  'transfer:progress': TransferView
  /** An attachment arrived whole and its hash matched; or, for the sender, the recipient has it. */
  'transfer:complete': TransferView
  /** An attachment transfer was given up; `failure` says why. */
  'transfer:failed': TransferView
  'node:stopping': { reason: string }
  'peer:connected': { peerId: string }
  'peer:disconnected': { peerId: string }
  /** A room message became visible (decrypted, valid, everything it links is here). */
  'room:message': RoomMessageView
  /** A room's member list, roles or name changed. */
  'room:members': RoomMembersChange
  /** The same identity was started on another device; this one may miss messages. */
  'session:signed-in-elsewhere': SignedInElsewhereEvent
  /** A text from a peer is stored and shown (in its conversation's order). */
  'message:received': MessageView
  /** An outgoing message moved to a new delivery state. */
  'message:state': MessageStateChange
  /** Someone asked to be our friend (or renewed a pending request). */
  'friend:request': FriendRequestView
  /** A friendship started: we accepted a request, or ours was accepted. */
  'friend:accepted': FriendView
  /** Our request was declined. */
  'friend:rejected': PeerRef
  /** A friendship ended or a pending request was withdrawn; `by` says which side did it. */
  'friend:removed': FriendRemovedEvent
  /** A friend's account moved to a new key (a rotation signed by the key we knew). */
  'friend:key-changed': FriendKeyChangedEvent
  /** A friend came online or went offline. */
  'presence:changed': PresenceView
  /** A connection to a friend opened or closed, and the node now reaches it another way. */
  'friend:reach': FriendReachView
  /** A friend's node sent (or the DHT gave) a newer device list: its devices now. */
  'friend:devices': FriendDevicesEvent
  /** The device link shown on this device moved on (a device proved the code, confirmed, linked, failed). */
  'device:link': DeviceLinkStatus
}

export type NodeEventType = keyof NodeEventMap

/** An event as the node emits it in its process; the local API's stream numbers it. */
export interface EmittedNodeEvent<T extends NodeEventType = NodeEventType> {
  type: T
  at: number
  data: NodeEventMap[T]
}

export interface NodeEventMessage<T extends NodeEventType = NodeEventType>
  extends EmittedNodeEvent<T> {
  /**
   * Its number in the event stream, 1, 2, 3… A client that reconnects with
   * `/v1/events?since=<seq>&epoch=<epoch>` gets the events after it first.
   */
  seq: number
  /** Names the stream `seq` counts in: it changes when the node's process restarts. */
  epoch: string
}

export interface SignedInElsewhereEvent {
  reason: string
  /** The relay that reported the newer session. */
  relayPeerId: string
  /** This session's announcement counter and the newer one's (decimal strings). */
  counter: string
  newerCounter: string
  /** Where the newer session said it can be reached. */
  newerMultiaddrs: string[]
}
