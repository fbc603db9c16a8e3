/** Making a room's events: its CREATE event, later ops, and encrypted messages. */
import { toHex } from '../bytes.ts'
import { type Ed25519KeyPair, ed25519KeyPairFromSeed, randomBytes } from '../crypto/index.ts'
import type { RoomOp } from '../proto/room.ts'
import { RoomOpKind } from '../proto/room.ts'
import {
  checkRoomName,
  decodeRoomContent,
  encodeRoomContent,
  messageAssociatedData,
  ROOM_NONCE_LENGTH,
  type RoomContentValue,
  type RoomEvent,
  type SignedRoomEvent,
  signRoomEvent,
} from './room-event.ts'
import type { RoomLog } from './room-log.ts'
import type { ReceivedSenderKey, SenderKeyChain } from './sender-key.ts'

export interface NewRoom {
  genesis: SignedRoomEvent
  /** The invite secret (Ed25519 seed) of an invite-only room. */
  inviteSeed?: Uint8Array
}

/**
 * A new room's CREATE event, signed by its owner. Its id is the room id. `recoveryCommitment`
 * (the owner's, or empty) is pinned by the room for the owner (membership.ts).
 */
export function createRoom(
  owner: Ed25519KeyPair,
  name: string,
  inviteOnly: boolean,
  recoveryCommitment: Uint8Array = new Uint8Array(0),
): NewRoom {
  checkRoomName(name)
  const inviteSeed = inviteOnly ? randomBytes(32) : undefined
  const genesis = signRoomEvent(owner, {
    roomId: new Uint8Array(0) as RoomEvent['roomId'],
    seq: 1,
    lamport: 1,
    sentAtMs: Date.now(),
    deps: [],
    op: {
      ...emptyOp(),
      kind: RoomOpKind.CREATE,
      name,
      inviteOnly,
      inviteKey: (inviteSeed != null
        ? ed25519KeyPairFromSeed(inviteSeed).publicKey
        : new Uint8Array(0)) as RoomOp['inviteKey'],
      nonce: randomBytes(ROOM_NONCE_LENGTH) as RoomOp['nonce'],
      recoveryCommitment: recoveryCommitment as RoomOp['recoveryCommitment'],
    },
  })
  return { genesis, inviteSeed }
}

/** An op after CREATE: what it does, and to whom. */
export interface OpFields {
  kind: RoomOpKind
  target?: Uint8Array
  name?: string
  inviteProof?: Uint8Array
  cutSeq?: number
  /** MOVE_KEY: the account's key statements (key-move.ts). */
  rotations?: Uint8Array[]
  recoveries?: Uint8Array[]
  /** DEVICES: the account's signed device list (member-devices.ts). */
  deviceList?: Uint8Array
  /** JOIN: the joiner's recovery commitment in force, pinned by the room. */
  recoveryCommitment?: Uint8Array
  /** REMOVE, LEAVE, DEVICES, MOVE_KEY: where the account's ended devices' events end (deviceCutsFor). */
  deviceCuts?: Array<{ device: Uint8Array; seq: number }>
  /** PROFILE: the member's signed profile (protocol/friend-profile.ts). */
  profile?: Uint8Array
}

/** The next op event of `author` in `log`. */
export function buildOp(
  author: Ed25519KeyPair,
  log: RoomLog,
  op: OpFields,
  now = Date.now(),
): SignedRoomEvent {
  return signRoomEvent(author, {
    roomId: log.roomId as RoomEvent['roomId'],
    ...nextFields(author, log),
    sentAtMs: now,
    op: { ...emptyOp(), ...(op as Partial<RoomOp>) },
  })
}

/** The next message event of `author` in `log`, encrypted with `chain` (which advances). */
export function buildMessage(
  author: Ed25519KeyPair,
  log: RoomLog,
  chain: SenderKeyChain,
  content: string | RoomContentValue,
  now = Date.now(),
): SignedRoomEvent {
  const sealed = chain.encrypt(
    encodeRoomContent(content),
    messageAssociatedData(log.roomId, author.publicKey),
  )
  return signRoomEvent(author, {
    roomId: log.roomId as RoomEvent['roomId'],
    ...nextFields(author, log),
    sentAtMs: now,
    message: sealed as RoomEvent['message'] & object,
  })
}

/**
 * The content of a message event, with the sender's chain as we hold it. Throws what
 * ReceivedSenderKey.decrypt throws (the chain advances only on success), or
 * MalformedMessageError.
 */
export function decryptMessage(event: SignedRoomEvent, key: ReceivedSenderKey): RoomContentValue {
  const { message, roomId, author } = event.event
  const plaintext = key.decrypt(
    message!.index,
    message!.ciphertext,
    messageAssociatedData(roomId, author),
  )
  return decodeRoomContent(plaintext)
}

function nextFields(author: Ed25519KeyPair, log: RoomLog) {
  const { seq, lamport, deps } = log.nextEventFields(toHex(author.publicKey))
  return { seq, lamport, deps: deps as RoomEvent['deps'] }
}

function emptyOp(): RoomOp {
  const empty = new Uint8Array(0) as RoomOp['target']
  return {
    kind: RoomOpKind.JOIN,
    target: empty,
    name: '',
    inviteOnly: false,
    inviteKey: empty,
    inviteProof: empty,
    cutSeq: 0,
    nonce: empty,
    rotations: [],
    recoveries: [],
    deviceList: empty,
    recoveryCommitment: empty,
    deviceCuts: [],
    profile: empty,
  }
}
