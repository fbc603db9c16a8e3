/**
 * The cleartext header of a ratchet message, in a fixed binary layout (big-endian):
 *
 *   version u8 = 1 | flags u8 | ratchet key 32 | previous chain length u32 | message number u32
 *   [ identity key 32 | ephemeral key 32 | signed prekey id u32 | [ one-time prekey id u32 ] ]
 *
 * Flag 0x01 marks a session-start header (the X3DH fields, sent by the initiator until it
 * hears back); 0x02 marks the one-time prekey id within it. Every length is fixed by the flags,
 * so the decoder accepts exactly three sizes and nothing else. The header is authenticated as
 * part of the AEAD's associated data.
 */
import { MalformedMessageError } from '../errors.ts'
import { ByteReader, ByteWriter } from './byte-codec.ts'

export const MESSAGE_HEADER_VERSION = 1
const BASE_LENGTH = 2 + 32 + 4 + 4
const SESSION_START_LENGTH = 32 + 32 + 4
const ONE_TIME_PREKEY_LENGTH = 4
export const MESSAGE_HEADER_MAX_LENGTH = BASE_LENGTH + SESSION_START_LENGTH + ONE_TIME_PREKEY_LENGTH

const FLAG_SESSION_START = 0x01
const FLAG_ONE_TIME_PREKEY = 0x02
const KNOWN_FLAGS = FLAG_SESSION_START | FLAG_ONE_TIME_PREKEY

/** The X3DH fields Bob needs to set up his side of the session. */
export interface SessionStart {
  /** The initiator's Ed25519 identity public key. */
  identityKey: Uint8Array
  /** The initiator's X3DH ephemeral public key; it also names the session (its "base key"). */
  ephemeralKey: Uint8Array
  signedPrekeyId: number
  oneTimePrekeyId?: number
}

export interface MessageHeader {
  /** The sender's current ratchet public key (X25519). */
  ratchetKey: Uint8Array
  /** Messages in the sender's previous sending chain (the spec's PN). */
  previousChainLength: number
  /** This message's number in its sending chain (the spec's N). */
  messageNumber: number
  sessionStart?: SessionStart
}

export function encodeMessageHeader(header: MessageHeader): Uint8Array {
  const { sessionStart } = header
  let flags = 0
  if (sessionStart != null) flags |= FLAG_SESSION_START
  if (sessionStart?.oneTimePrekeyId != null) flags |= FLAG_ONE_TIME_PREKEY
  const writer = new ByteWriter()
    .u8(MESSAGE_HEADER_VERSION)
    .u8(flags)
    .bytes(checked(header.ratchetKey, 32, 'ratchet key'))
    .u32(header.previousChainLength)
    .u32(header.messageNumber)
  if (sessionStart != null) {
    writer
      .bytes(checked(sessionStart.identityKey, 32, 'identity key'))
      .bytes(checked(sessionStart.ephemeralKey, 32, 'ephemeral key'))
      .u32(sessionStart.signedPrekeyId)
    if (sessionStart.oneTimePrekeyId != null) writer.u32(sessionStart.oneTimePrekeyId)
  }
  return writer.finish()
}

/** Throws MalformedMessageError for any size, version or flag it does not expect. */
export function decodeMessageHeader(bytes: Uint8Array): MessageHeader {
  if (!(bytes instanceof Uint8Array) || bytes.length > MESSAGE_HEADER_MAX_LENGTH) {
    throw new MalformedMessageError(
      `message header must be at most ${MESSAGE_HEADER_MAX_LENGTH} bytes`,
    )
  }
  const reader = new ByteReader(bytes, 'message header')
  const version = reader.u8()
  if (version !== MESSAGE_HEADER_VERSION) {
    throw new MalformedMessageError(
      `message header version ${version} is not supported (expected ${MESSAGE_HEADER_VERSION}); the sender may need a newer or older TokenIM`,
    )
  }
  const flags = reader.u8()
  if ((flags & ~KNOWN_FLAGS) !== 0 || flags === FLAG_ONE_TIME_PREKEY) {
    throw new MalformedMessageError(`message header has unknown flags 0x${flags.toString(16)}`)
  }
  const header: MessageHeader = {
    ratchetKey: reader.bytes(32),
    previousChainLength: reader.u32(),
    messageNumber: reader.u32(),
  }
  if ((flags & FLAG_SESSION_START) !== 0) {
    const sessionStart: SessionStart = {
      identityKey: reader.bytes(32),
      ephemeralKey: reader.bytes(32),
      signedPrekeyId: reader.u32(),
    }
    if ((flags & FLAG_ONE_TIME_PREKEY) !== 0) sessionStart.oneTimePrekeyId = reader.u32()
    header.sessionStart = sessionStart
  }
  reader.end()
  return header
}

function checked(bytes: Uint8Array, length: number, what: string): Uint8Array {
  if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
    throw new MalformedMessageError(`message header ${what} must be ${length} bytes`)
  }
  return bytes
}
