/**
 * What the room service holds in memory for one room, and the small questions asked of it.
 * A runtime is created only here (`createRuntime`), so every field starts from one place.
 */
import { toHex } from '../../protocol/bytes.ts'
import type { ActionType } from '../../protocol/message-actions.ts'
import type { TextStyle } from '../../protocol/rich-content.ts'
import {
  type MembershipState,
  type ReceivedSenderKey,
  type RoomContentValue,
  type RoomLog,
  roomTopic,
  type SenderKeyChain,
  verifyInviteProof,
} from '../../protocol/rooms/index.ts'
import { type StoredAttachment, storedAttachment } from '../messaging/index.ts'
import type { Reservation, RoomMeta } from './room-store.ts'

export interface RoomRuntime {
  log: RoomLog
  meta: RoomMeta
  topic: string
  chain?: SenderKeyChain
  /** Our chain is on disk as used up to here: a send below it needs no write first. */
  chainReservedUntil: number
  reservation: Reservation
  /**
   * After an unclean stop: our seqs up to reservation.seqReservedUntil may be taken. Cleared
   * only once the seq floor is set, after the syncs of `recovery`.
   */
  recovering: boolean
  /** The seq recovery under way, which every event of ours waits for. */
  recovery?: Promise<void>
  /** author hex -> key id hex -> chain. */
  received: Map<string, Map<string, ReceivedSenderKey>>
  texts: Map<string, string>
  /** What a message answers or acts on, for those that do (room-actions.ts). */
  extras: Map<string, RoomExtras>
  /** Received chains that advanced since they were last written: `${author}:${keyId}`. */
  dirtyKeys: Set<string>
  /** Message ids waiting for a sender key: `${author}:${keyId}` -> ids. */
  locked: Map<string, Set<string>>
  shown: Set<string>
  /** member hex -> key id hex -> sealed bundle, until the member acknowledges it. */
  outgoing: Map<string, Map<string, Uint8Array>>
  subscribed: boolean
  /** `${peer}` -> when we last synced with it. */
  lastSync: Map<string, number>
  syncing: Set<string>
  /** Persistence, in order, off the hot path. */
  writes: Promise<void>
  /**
   * Writes of our own chain and events, in their own queue: a send waits for its own write
   * (the chain is on disk before its ciphertext leaves), never behind what others sent us.
   */
  ownWrites: Promise<void>
}

/**
 * A message's reply, action or forward mark (doc/message-actions.md), its style, file (with
 * the key its transfer needs) and mentions (account keys); ids and keys in hex.
 */
export interface RoomExtras {
  replyTo?: string
  action?: { type: ActionType; target: string; emoji?: string }
  forwarded?: true
  style?: TextStyle
  attachment?: StoredAttachment
  mentions?: string[]
}

/** The extras a decrypted content carries, or undefined for a plain message. */
export function extrasOf(content: RoomContentValue): RoomExtras | undefined {
  const extras: RoomExtras = {}
  if (content.replyTo != null) extras.replyTo = toHex(content.replyTo)
  if (content.forwarded === true) extras.forwarded = true
  if (content.style != null) extras.style = content.style
  if (content.attachment != null) extras.attachment = storedAttachment(content.attachment)
  if (content.mentions != null) extras.mentions = [...new Set(content.mentions.map(toHex))]
  const action = content.action
  if (action != null) {
    extras.action = { type: action.type, target: toHex(action.target) }
    if (action.emoji != null) extras.action.emoji = action.emoji
  }
  return Object.keys(extras).length === 0 ? undefined : extras
}

/** A room as held before anything but its log and meta is known. */
export function createRuntime(log: RoomLog, meta: RoomMeta): RoomRuntime {
  return {
    log,
    meta,
    topic: roomTopic(log.roomId),
    received: new Map(),
    texts: new Map(),
    extras: new Map(),
    locked: new Map(),
    dirtyKeys: new Set(),
    chainReservedUntil: 0,
    reservation: { seqReservedUntil: 0, cleanStop: false },
    recovering: false,
    shown: new Set(),
    outgoing: new Map(),
    subscribed: false,
    lastSync: new Map(),
    syncing: new Set(),
    writes: Promise.resolve(),
    ownWrites: Promise.resolve(),
  }
}

/** Whether `key` may enter: an open room, or a valid invite proof. */
export function mayEnter(room: RoomRuntime, key: Uint8Array, proof: Uint8Array): boolean {
  const state = room.log.membership()
  return (
    !state.inviteOnly ||
    (state.inviteKey != null && verifyInviteProof(state.inviteKey, room.log.roomId, key, proof))
  )
}

/**
 * Every key that reads the room but `selfHex`, as hex keys: each member's account key, each
 * enrolled device of a member (member-devices.ts), and `ownDevices` (our account's other
 * current devices, which read what we write before they enrol).
 */
export function readers(
  state: MembershipState,
  selfHex: string,
  ownDevices: readonly string[] = [],
): string[] {
  const keys = new Set(state.members.keys())
  for (const [device, account] of state.devices) if (state.members.has(account)) keys.add(device)
  for (const device of ownDevices) keys.add(device)
  keys.delete(selfHex)
  return [...keys]
}
