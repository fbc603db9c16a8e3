/** The event stream (`GET /v1/events`, a WebSocket): every event type and its data. */
import { z } from 'zod'
import { STOP_CODES } from '../stop-reasons.ts'
import { CallCandidatesEvent, CallSdpEvent, CallView } from './calls.ts'
import { ConversationClearedEvent, ConversationReadEvent } from './conversations.ts'
import { DeviceLinkStatus, DeviceRevokedEvent, HistoryTransferStatus } from './devices.ts'
import { TransferView } from './files.ts'
import {
  FriendDevicesEvent,
  FriendKeyChangedEvent,
  FriendReachView,
  FriendRemovedEvent,
  FriendRequestView,
  FriendView,
  PeerRef,
  PresenceView,
  TypingView,
} from './friends.ts'
import { MessageStateChange, MessageView } from './messages.ts'
import { ProfileChangedEvent } from './profiles.ts'
import { RoomMembersResponse, RoomMessageView, RoomReadEvent } from './rooms.ts'
import { named } from './route.ts'

export const SignedInElsewhereEvent = named(
  'SignedInElsewhereEvent',
  z.object({
    reason: z.string(),
    /** The relay that reported the newer session. */
    relayPeerId: z.string(),
    /** This session's announcement counter and the newer one's (decimal strings). */
    counter: z.string(),
    newerCounter: z.string(),
    /** Where the newer session said it can be reached. */
    newerMultiaddrs: z.array(z.string()),
  }),
)
export type SignedInElsewhereEvent = z.infer<typeof SignedInElsewhereEvent>

/** Events a node streams over `GET /v1/events` (WebSocket), each type's data. */
export const NODE_EVENTS = {
  'node:started': z.object({ peerId: z.string(), listenAddresses: z.array(z.string()) }),
  /** An attachment transfer moved on (throttled: a few times a second at most). */
  'transfer:progress': TransferView,
  /** An attachment arrived whole and its hash matched; or, for the sender, the recipient has it. */
  'transfer:complete': TransferView,
  /** An attachment transfer was given up; `failure` says why. */
  'transfer:failed': TransferView,
  /**
   * The node is stopping: `code` says why (protocol/stop-reasons.ts; clients word it),
   * `reason` in English, `detail` what the code leaves open (a signal, an error's name).
   */
  'node:stopping': z.object({
    reason: z.string(),
    code: z.enum(STOP_CODES),
    detail: z.string().optional(),
  }),
  'peer:connected': z.object({ peerId: z.string() }),
  'peer:disconnected': z.object({ peerId: z.string() }),
  /** A room message became visible (decrypted, valid, everything it links is here). */
  'room:message': RoomMessageView,
  /** A room message changed: edited, recalled, reacted to (doc/message-actions.md). */
  'room:updated': RoomMessageView,
  /** A room's member list, roles or name changed. */
  'room:members': RoomMembersResponse,
  /** Another device of this account read a room: its unread count here now. */
  'room:read': RoomReadEvent,
  /** The same identity was started on another device; this one may miss messages. */
  'session:signed-in-elsewhere': SignedInElsewhereEvent,
  /** A friend's call rings here (doc/calls.md); `sdp` is its offer. */
  'call:incoming': CallSdpEvent,
  /** The friend we called accepted; `sdp` is its answer. */
  'call:answered': CallSdpEvent,
  /** ICE candidates the peer's browser found for a call. */
  'call:candidates': CallCandidatesEvent,
  /** A call ended (either side, or its ring timed out): the line the conversation shows. */
  'call:ended': CallView,
  /** A text from a peer is stored and shown (in its conversation's order). */
  'message:received': MessageView,
  /**
   * A message changed (doc/message-actions.md): edited, recalled, reacted to, by either side;
   * the whole message as it is now.
   */
  'message:updated': MessageView,
  /** An outgoing message moved to a new delivery state. */
  'message:state': MessageStateChange,
  /** Another device of this account read a 1:1 conversation: its unread count here now. */
  'conversation:read': ConversationReadEvent,
  /** Another device of this account deleted a 1:1 conversation's history, up to a message. */
  'conversation:cleared': ConversationClearedEvent,
  /** Someone asked to be our friend (or renewed a pending request). */
  'friend:request': FriendRequestView,
  /** A friendship started: we accepted a request, or ours was accepted. */
  'friend:accepted': FriendView,
  /** Our request was declined. */
  'friend:rejected': PeerRef,
  /** A friendship ended or a pending request was withdrawn; `by` says which side did it. */
  'friend:removed': FriendRemovedEvent,
  /** A friend's account moved to a new key (a rotation signed by the key we knew). */
  'friend:key-changed': FriendKeyChangedEvent,
  /** A friend came online or went offline. */
  'presence:changed': PresenceView,
  /** A friend started or stopped writing to us (while typing indicators are on). */
  'typing:changed': TypingView,
  /** A connection to a friend opened or closed, and the node now reaches it another way. */
  'friend:reach': FriendReachView,
  /** A friend's node sent (or the DHT gave) a newer device list: its devices now. */
  'friend:devices': FriendDevicesEvent,
  /** A friend's newer profile arrived (display name, avatar), or ours changed (`own`). */
  'profile:changed': ProfileChangedEvent,
  /** The device link shown on this device moved on (a device proved the code, confirmed, linked, failed). */
  'device:link': DeviceLinkStatus,
  /** Another device of this account revoked this one: it sends nothing as the account now. */
  'device:revoked': DeviceRevokedEvent,
  /** The history transfer to this device moved on (a page stored, done, paused, failed). */
  'device:history': HistoryTransferStatus,
}

export type NodeEventMap = { [T in keyof typeof NODE_EVENTS]: z.infer<(typeof NODE_EVENTS)[T]> }

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

/** Every message of the event stream, as the OpenAPI document describes it. */
export const NodeEventMessageSchema = named(
  'NodeEventMessage',
  z.discriminatedUnion(
    'type',
    Object.entries(NODE_EVENTS).map(([type, data]) =>
      z.object({
        type: z.literal(type),
        at: z.number(),
        data,
        seq: z.number().int().min(1),
        epoch: z.string(),
      }),
    ) as unknown as [z.ZodObject, ...z.ZodObject[]],
  ),
)
