/**
 * Linking a device, the pure part (doc/accounts.md, "Linking a device"): the one-time code,
 * the proof that the new device holds its secret, the short authentication string (SAS)
 * both devices show, and the frames of LINK_PROTOCOL, each decoded strictly within its limit.
 *
 * - The code is `tokenim-link:` and the base64url of a LinkCode (link.proto): the existing
 *   device's key (its PeerId, which noise authenticates), its addresses, 16 random bytes and
 *   the expiry. The secret itself never travels on the link: the new device sends
 *   HMAC(secret, info ‖ existing ‖ new), which binds the proof to both device keys.
 * - The SAS is derived from the secret and both device keys, in a fixed order (existing,
 *   then new): 6 digits and 4 emoji (38 bits). An attacker in the middle would hold other
 *   device keys than the two the person sees on their screens, so the strings would differ;
 *   with the secret unknown to them, they also cannot pass the proof.
 *
 * @example
 * ```ts
 * const text = encodeLinkCode({ device, addresses, secret, expiresMs })
 * const code = decodeLinkCode(text)
 * linkSas(code.secret, existingDevice, newDevice) // { digits: '042917', emoji: [...] }
 * ```
 */
import { concatBytes } from '../bytes.ts'
import { decodeMessage, encodeMessage } from '../codec.ts'
import { ED25519_PUBLIC_KEY_LENGTH, hkdfSha256, hmacSha256 } from '../crypto/index.ts'
import { LINK_PROOF_INFO, LINK_SAS_INFO } from '../ids.ts'
import {
  LINK_SECRET_LENGTH,
  MAX_LINK_CODE_ADDRESSES,
  MAX_LINK_CODE_SIZE,
  MAX_LINKED_FRIENDS,
  MAX_LINKED_RELAYS,
  MAX_STREAM_FRAME_SIZE,
} from '../limits.ts'
import { LinkCode, LinkFrame, LinkFrameKind, LinkState } from '../proto/link.ts'
import { InvalidLinkCodeError } from './errors.ts'

export type { LinkFrame }
export { LinkFrameKind }

/** What a link code's text starts with, so a pasted room invite or key is told apart. */
export const LINK_CODE_PREFIX = 'tokenim-link:'

/** Longest address in a link code (a circuit through a relay with its peer ids is ~150 bytes). */
const MAX_LINK_ADDRESS_SIZE = 256

export interface LinkCodeFields {
  /** The existing device's Ed25519 public key (its PeerId). */
  device: Uint8Array
  /** Encoded multiaddrs it listens on. */
  addresses: Uint8Array[]
  secret: Uint8Array
  expiresMs: number
}

/** The account's state a link hands over, with plain byte arrays. */
export interface LinkStateFields {
  friends: Array<{ key: Uint8Array; name: string }>
  relays: string[]
}

/** A frame to send: LinkFrame's fields, with plain byte arrays. */
export type LinkFrameFields = {
  [K in keyof LinkFrame]?: LinkFrame[K] extends Uint8Array
    ? Uint8Array
    : K extends 'state'
      ? LinkStateFields
      : LinkFrame[K]
}

export interface LinkSas {
  /** Six digits, zero-padded. */
  digits: string
  /** Four emoji of LINK_SAS_EMOJI, with their names for screen readers and terminals. */
  emoji: { symbol: string; name: string }[]
}

/** The 64 emoji of the SAS (the list Matrix's verification uses), indexed by 6 bits each. */
export const LINK_SAS_EMOJI: readonly (readonly [string, string])[] = [
  ['🐶', 'dog'],
  ['🐱', 'cat'],
  ['🦁', 'lion'],
  ['🐎', 'horse'],
  ['🦄', 'unicorn'],
  ['🐷', 'pig'],
  ['🐘', 'elephant'],
  ['🐰', 'rabbit'],
  ['🐼', 'panda'],
  ['🐓', 'rooster'],
  ['🐧', 'penguin'],
  ['🐢', 'turtle'],
  ['🐟', 'fish'],
  ['🐙', 'octopus'],
  ['🦋', 'butterfly'],
  ['🌷', 'flower'],
  ['🌳', 'tree'],
  ['🌵', 'cactus'],
  ['🍄', 'mushroom'],
  ['🌏', 'globe'],
  ['🌙', 'moon'],
  ['☁️', 'cloud'],
  ['🔥', 'fire'],
  ['🍌', 'banana'],
  ['🍎', 'apple'],
  ['🍓', 'strawberry'],
  ['🌽', 'corn'],
  ['🍕', 'pizza'],
  ['🎂', 'cake'],
  ['❤️', 'heart'],
  ['😀', 'smiley'],
  ['🤖', 'robot'],
  ['🎩', 'hat'],
  ['👓', 'glasses'],
  ['🔧', 'spanner'],
  ['🎅', 'santa'],
  ['👍', 'thumbs up'],
  ['☂️', 'umbrella'],
  ['⌛', 'hourglass'],
  ['⏰', 'clock'],
  ['🎁', 'gift'],
  ['💡', 'light bulb'],
  ['📕', 'book'],
  ['✏️', 'pencil'],
  ['📎', 'paperclip'],
  ['✂️', 'scissors'],
  ['🔒', 'lock'],
  ['🔑', 'key'],
  ['🔨', 'hammer'],
  ['☎️', 'telephone'],
  ['🏁', 'flag'],
  ['🚂', 'train'],
  ['🚲', 'bicycle'],
  ['✈️', 'aeroplane'],
  ['🚀', 'rocket'],
  ['🏆', 'trophy'],
  ['⚽', 'ball'],
  ['🎸', 'guitar'],
  ['🎺', 'trumpet'],
  ['🔔', 'bell'],
  ['⚓', 'anchor'],
  ['🎧', 'headphones'],
  ['📁', 'folder'],
  ['📌', 'pin'],
]

const encoder = new TextEncoder()

/** The code's text. Throws InvalidLinkCodeError for fields a reader would refuse. */
export function encodeLinkCode(fields: LinkCodeFields): string {
  checkCode(fields)
  const bytes = encodeMessage(LinkCode, fields as Partial<LinkCode>, {
    maxSize: MAX_LINK_CODE_SIZE,
    what: 'link code',
  })
  return LINK_CODE_PREFIX + Buffer.from(bytes).toString('base64url')
}

/** Reads a code's text (spaces and line breaks a copy may add are ignored). */
export function decodeLinkCode(text: string): LinkCodeFields {
  const compact = text.replace(/\s+/g, '')
  if (!compact.startsWith(LINK_CODE_PREFIX)) {
    throw new InvalidLinkCodeError(`a link code starts with "${LINK_CODE_PREFIX}"`)
  }
  const body = compact.slice(LINK_CODE_PREFIX.length)
  if (!/^[A-Za-z0-9_-]+$/.test(body)) throw new InvalidLinkCodeError('the link code is damaged')
  let code: LinkCode
  try {
    code = decodeMessage(LinkCode, new Uint8Array(Buffer.from(body, 'base64url')), {
      maxSize: MAX_LINK_CODE_SIZE,
      what: 'link code',
      limits: { addresses: MAX_LINK_CODE_ADDRESSES },
    })
  } catch (err) {
    throw new InvalidLinkCodeError(`the link code is damaged: ${(err as Error).message}`)
  }
  checkCode(code)
  return code
}

/** What the new device sends to show it holds the code's secret. */
export function linkProof(
  secret: Uint8Array,
  existing: Uint8Array,
  joining: Uint8Array,
): Uint8Array {
  return hmacSha256(secret, concatBytes(encoder.encode(LINK_PROOF_INFO), existing, joining))
}

/** Whether `proof` is linkProof of this secret and these keys (constant-time compare). */
export function linkProofMatches(
  proof: Uint8Array,
  secret: Uint8Array,
  existing: Uint8Array,
  joining: Uint8Array,
): boolean {
  const expected = linkProof(secret, existing, joining)
  if (proof.length !== expected.length) return false
  let diff = 0
  for (let i = 0; i < expected.length; i++) diff |= expected[i] ^ proof[i]
  return diff === 0
}

/** The SAS both devices show: HKDF over the secret, salted with both keys (existing first). */
export function linkSas(secret: Uint8Array, existing: Uint8Array, joining: Uint8Array): LinkSas {
  const bytes = hkdfSha256(secret, concatBytes(existing, joining), LINK_SAS_INFO, 7)
  const number = ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0
  const bits = (bytes[4] << 16) | (bytes[5] << 8) | bytes[6]
  const emoji = [18, 12, 6, 0].map((shift) => {
    const [symbol, name] = LINK_SAS_EMOJI[(bits >> shift) & 63]
    return { symbol, name }
  })
  return { digits: (number % 1_000_000).toString().padStart(6, '0'), emoji }
}

/** The SAS on one line, as the CLI prints it: `042917  🐶 dog · 🔑 key · …`. */
export function formatLinkSas(sas: LinkSas): string {
  return `${sas.digits}  ${sas.emoji.map(({ symbol, name }) => `${symbol} ${name}`).join(' · ')}`
}

export function encodeLinkFrame(frame: LinkFrameFields): Uint8Array {
  return encodeMessage(LinkFrame, frame as Partial<LinkFrame>, {
    maxSize: MAX_STREAM_FRAME_SIZE,
    what: 'link frame',
  })
}

/** A frame of LINK_PROTOCOL, decoded strictly and bounded (friends, relays). */
export function decodeLinkFrame(bytes: Uint8Array): LinkFrame {
  return decodeMessage(LinkFrame, bytes, {
    maxSize: MAX_STREAM_FRAME_SIZE,
    what: 'link frame',
    limits: { state: { friends: MAX_LINKED_FRIENDS, relays: MAX_LINKED_RELAYS } },
  })
}

/** A LinkState as a linked device keeps it. */
export function encodeLinkState(state: LinkState): Uint8Array {
  return encodeMessage(LinkState, state, { maxSize: MAX_STREAM_FRAME_SIZE, what: 'link state' })
}

/** A LinkState as a linked device keeps it (the handover's `state`), decoded within the same bounds. */
export function decodeLinkState(bytes: Uint8Array): LinkState {
  return decodeMessage(LinkState, bytes, {
    maxSize: MAX_STREAM_FRAME_SIZE,
    what: 'link state',
    limits: { friends: MAX_LINKED_FRIENDS, relays: MAX_LINKED_RELAYS },
  })
}

function checkCode(code: LinkCodeFields): void {
  if (code.device.length !== ED25519_PUBLIC_KEY_LENGTH) {
    throw new InvalidLinkCodeError('a link code names a 32-byte device key')
  }
  if (code.secret.length !== LINK_SECRET_LENGTH) {
    throw new InvalidLinkCodeError(`a link code carries ${LINK_SECRET_LENGTH} random bytes`)
  }
  if (code.addresses.length === 0 || code.addresses.length > MAX_LINK_CODE_ADDRESSES) {
    throw new InvalidLinkCodeError(
      `a link code carries 1..${MAX_LINK_CODE_ADDRESSES} addresses, got ${code.addresses.length}`,
    )
  }
  if (
    code.addresses.some((address) => address.length === 0 || address.length > MAX_LINK_ADDRESS_SIZE)
  ) {
    throw new InvalidLinkCodeError('a link code address is empty or too long')
  }
  if (!Number.isSafeInteger(code.expiresMs) || code.expiresMs <= 0) {
    throw new InvalidLinkCodeError('a link code needs its expiry')
  }
}
