/**
 * The Double Ratchet state of one session (the spec's section 3.2 variables plus what TokenIM
 * adds: identities, the session's base key, the pending session-start fields, and a record of
 * finished receiving chains used to tell duplicates apart from forgeries), and its persisted
 * form. The layout is fixed and versioned; every count is bounded by the limits in limits.ts.
 */
import { concatBytes, toHex } from '../bytes.ts'
import { type X25519KeyPair, x25519PublicKey } from '../crypto/index.ts'
import { MalformedMessageError } from '../errors.ts'
import { ByteReader, ByteWriter } from './byte-codec.ts'
import { MAX_CLOSED_RECEIVING_CHAINS, MAX_SKIPPED_MESSAGE_KEYS } from './limits.ts'

export const RATCHET_STATE_VERSION = 1

export type SessionRole = 'initiator' | 'responder'

export interface SkippedMessageKey {
  ratchetKey: Uint8Array
  messageNumber: number
  messageKey: Uint8Array
}

/** A receiving chain the peer has moved on from. */
export interface ClosedReceivingChain {
  ratchetKey: Uint8Array
  /** Messages the peer sent on it; no valid message on it can have a higher number. */
  length: number
  /** Skipped keys below this number may have been discarded (see discardSkippedKey). */
  discardedBelow: number
}

export interface RatchetState {
  role: SessionRole
  localIdentityKey: Uint8Array
  remoteIdentityKey: Uint8Array
  /** The initiator's X3DH ephemeral public key: both sides use it to name the session. */
  baseKey: Uint8Array
  /** RK */
  rootKey: Uint8Array
  /** DHs */
  sendingRatchetKey: X25519KeyPair
  /** DHr */
  receivingRatchetKey: Uint8Array | null
  /** CKs */
  sendingChainKey: Uint8Array | null
  /** CKr */
  receivingChainKey: Uint8Array | null
  /** Ns, Nr, PN */
  sendCount: number
  receiveCount: number
  previousSendCount: number
  /** discardedBelow of the current receiving chain. */
  receivingDiscardedBelow: number
  /** Initiator only: the X3DH ids to repeat in every header until the responder answers. */
  pendingSessionStart: { signedPrekeyId: number; oneTimePrekeyId?: number } | null
  /** MKSKIPPED, oldest first (Map keeps insertion order), keyed by skippedKeyId. */
  skippedKeys: Map<string, SkippedMessageKey>
  closedChains: ClosedReceivingChain[]
  /** Skipped keys dropped to respect MAX_SKIPPED_MESSAGE_KEYS, over the session's life. */
  discardedKeyCount: number
}

export function skippedKeyId(ratchetKey: Uint8Array, messageNumber: number): string {
  return `${toHex(ratchetKey)}:${messageNumber}`
}

/** AD = Encode(IK_A) || Encode(IK_B), the initiator's identity first. */
export function sessionAssociatedData(state: RatchetState): Uint8Array {
  return state.role === 'initiator'
    ? concatBytes(state.localIdentityKey, state.remoteIdentityKey)
    : concatBytes(state.remoteIdentityKey, state.localIdentityKey)
}

const FLAG_RECEIVING_RATCHET_KEY = 0x01
const FLAG_SENDING_CHAIN_KEY = 0x02
const FLAG_RECEIVING_CHAIN_KEY = 0x04
const FLAG_PENDING_SESSION_START = 0x08
const FLAG_PENDING_ONE_TIME_PREKEY = 0x10
const KNOWN_FLAGS = 0x1f
const ROLES: SessionRole[] = ['initiator', 'responder']

export function serializeRatchetState(state: RatchetState): Uint8Array {
  let flags = 0
  if (state.receivingRatchetKey != null) flags |= FLAG_RECEIVING_RATCHET_KEY
  if (state.sendingChainKey != null) flags |= FLAG_SENDING_CHAIN_KEY
  if (state.receivingChainKey != null) flags |= FLAG_RECEIVING_CHAIN_KEY
  if (state.pendingSessionStart != null) flags |= FLAG_PENDING_SESSION_START
  if (state.pendingSessionStart?.oneTimePrekeyId != null) flags |= FLAG_PENDING_ONE_TIME_PREKEY
  const writer = new ByteWriter()
    .u8(RATCHET_STATE_VERSION)
    .u8(ROLES.indexOf(state.role))
    .u8(flags)
    .bytes(state.localIdentityKey)
    .bytes(state.remoteIdentityKey)
    .bytes(state.baseKey)
    .bytes(state.rootKey)
    .bytes(state.sendingRatchetKey.privateKey)
  if (state.receivingRatchetKey != null) writer.bytes(state.receivingRatchetKey)
  if (state.sendingChainKey != null) writer.bytes(state.sendingChainKey)
  if (state.receivingChainKey != null) writer.bytes(state.receivingChainKey)
  writer
    .u32(state.sendCount)
    .u32(state.receiveCount)
    .u32(state.previousSendCount)
    .u32(state.receivingDiscardedBelow)
    .u32(state.discardedKeyCount)
  if (state.pendingSessionStart != null) {
    writer.u32(state.pendingSessionStart.signedPrekeyId)
    if (state.pendingSessionStart.oneTimePrekeyId != null) {
      writer.u32(state.pendingSessionStart.oneTimePrekeyId)
    }
  }
  writer.u16(state.closedChains.length)
  for (const chain of state.closedChains) {
    writer.bytes(chain.ratchetKey).u32(chain.length).u32(chain.discardedBelow)
  }
  writer.u16(state.skippedKeys.size)
  for (const skipped of state.skippedKeys.values()) {
    writer.bytes(skipped.ratchetKey).u32(skipped.messageNumber).bytes(skipped.messageKey)
  }
  return writer.finish()
}

/** Throws MalformedMessageError for anything that is not a state this version wrote. */
export function deserializeRatchetState(bytes: Uint8Array): RatchetState {
  const reader = new ByteReader(bytes, 'session state')
  const version = reader.u8()
  if (version !== RATCHET_STATE_VERSION) {
    throw new MalformedMessageError(
      `session state version ${version} is not supported (expected ${RATCHET_STATE_VERSION})`,
    )
  }
  const role = ROLES[reader.u8()]
  if (role == null) throw new MalformedMessageError('session state has an unknown role')
  const flags = reader.u8()
  const hasFlag = (flag: number) => (flags & flag) !== 0
  if (
    (flags & ~KNOWN_FLAGS) !== 0 ||
    (hasFlag(FLAG_PENDING_ONE_TIME_PREKEY) && !hasFlag(FLAG_PENDING_SESSION_START)) ||
    (hasFlag(FLAG_RECEIVING_CHAIN_KEY) && !hasFlag(FLAG_RECEIVING_RATCHET_KEY)) ||
    (hasFlag(FLAG_PENDING_SESSION_START) && role !== 'initiator')
  ) {
    throw new MalformedMessageError(`session state has inconsistent flags 0x${flags.toString(16)}`)
  }
  const localIdentityKey = reader.bytes(32)
  const remoteIdentityKey = reader.bytes(32)
  const baseKey = reader.bytes(32)
  const rootKey = reader.bytes(32)
  const sendingPrivateKey = reader.bytes(32)
  const state: RatchetState = {
    role,
    localIdentityKey,
    remoteIdentityKey,
    baseKey,
    rootKey,
    sendingRatchetKey: {
      privateKey: sendingPrivateKey,
      publicKey: x25519PublicKey(sendingPrivateKey),
    },
    receivingRatchetKey: hasFlag(FLAG_RECEIVING_RATCHET_KEY) ? reader.bytes(32) : null,
    sendingChainKey: hasFlag(FLAG_SENDING_CHAIN_KEY) ? reader.bytes(32) : null,
    receivingChainKey: hasFlag(FLAG_RECEIVING_CHAIN_KEY) ? reader.bytes(32) : null,
    sendCount: reader.u32(),
    receiveCount: reader.u32(),
    previousSendCount: reader.u32(),
    receivingDiscardedBelow: reader.u32(),
    discardedKeyCount: reader.u32(),
    pendingSessionStart: null,
    skippedKeys: new Map(),
    closedChains: [],
  }
  if (hasFlag(FLAG_PENDING_SESSION_START)) {
    state.pendingSessionStart = { signedPrekeyId: reader.u32() }
    if (hasFlag(FLAG_PENDING_ONE_TIME_PREKEY)) {
      state.pendingSessionStart.oneTimePrekeyId = reader.u32()
    }
  }
  const closedChainCount = reader.u16()
  if (closedChainCount > MAX_CLOSED_RECEIVING_CHAINS) {
    throw new MalformedMessageError(`session state lists ${closedChainCount} closed chains`)
  }
  for (let i = 0; i < closedChainCount; i++) {
    state.closedChains.push({
      ratchetKey: reader.bytes(32),
      length: reader.u32(),
      discardedBelow: reader.u32(),
    })
  }
  const skippedCount = reader.u16()
  if (skippedCount > MAX_SKIPPED_MESSAGE_KEYS) {
    throw new MalformedMessageError(`session state lists ${skippedCount} skipped message keys`)
  }
  for (let i = 0; i < skippedCount; i++) {
    const skipped: SkippedMessageKey = {
      ratchetKey: reader.bytes(32),
      messageNumber: reader.u32(),
      messageKey: reader.bytes(32),
    }
    const id = skippedKeyId(skipped.ratchetKey, skipped.messageNumber)
    if (state.skippedKeys.has(id)) {
      throw new MalformedMessageError('session state lists a skipped message key twice')
    }
    state.skippedKeys.set(id, skipped)
  }
  reader.end()
  return state
}
