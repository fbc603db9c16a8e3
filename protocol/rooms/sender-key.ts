/**
 * Sender keys: each member encrypts its room messages with a chain of its own, and hands the
 * chain's current key to the other members over their 1:1 channels. One encryption per
 * message, whatever the room size, instead of one per member.
 *
 * The chain is the symmetric-key ratchet of the Signal specifications: for the chain key CK,
 * the message key is HMAC-SHA256(CK, 0x01) and the next chain key HMAC-SHA256(CK, 0x02), so
 * holding a chain key reveals nothing of earlier messages. Each message key is expanded by
 * HKDF-SHA256 into an AES-256-GCM key and nonce; a message key is used once, so the nonce
 * never repeats under a key.
 */
import { fromBase64, toBase64 } from '../bytes.ts'
import {
  aeadDecrypt,
  aeadEncrypt,
  checkLength,
  hkdfSha256,
  hmacSha256,
  randomBytes,
} from '../crypto/index.ts'
import { MalformedMessageError } from '../errors.ts'
import { MAX_ROOM_KEY_SKIP } from '../limits.ts'
import { SenderKeyReplayError, SenderKeyTooFarAheadError } from './errors.ts'

export const SENDER_KEY_ID_LENGTH = 16
export const CHAIN_KEY_LENGTH = 32

const MESSAGE_KEY_INPUT = Uint8Array.of(0x01)
const CHAIN_KEY_INPUT = Uint8Array.of(0x02)
const MESSAGE_KEY_INFO = 'tokenim room message key'
const ZERO_SALT = new Uint8Array(32)

/** A point in one sender's chain: the chain key that produces the key of message `index`. */
export interface SenderKeyState {
  keyId: Uint8Array
  index: number
  chainKey: Uint8Array
}

export interface SenderKeyCiphertext {
  keyId: Uint8Array
  index: number
  ciphertext: Uint8Array
}

function messageKeyOf(chainKey: Uint8Array): Uint8Array {
  return hmacSha256(chainKey, MESSAGE_KEY_INPUT)
}

function nextChainKey(chainKey: Uint8Array): Uint8Array {
  return hmacSha256(chainKey, CHAIN_KEY_INPUT)
}

function seal(messageKey: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Uint8Array {
  const material = hkdfSha256(messageKey, ZERO_SALT, MESSAGE_KEY_INFO, 44)
  return aeadEncrypt(material.subarray(0, 32), material.subarray(32), plaintext, ad)
}

function open(messageKey: Uint8Array, ciphertext: Uint8Array, ad: Uint8Array): Uint8Array {
  const material = hkdfSha256(messageKey, ZERO_SALT, MESSAGE_KEY_INFO, 44)
  return aeadDecrypt(material.subarray(0, 32), material.subarray(32), ciphertext, ad)
}

/** Our own sending chain in one room. */
export class SenderKeyChain {
  readonly keyId: Uint8Array
  private chainKey: Uint8Array
  private nextIndex: number

  constructor(state: SenderKeyState) {
    checkLength(state.keyId, SENDER_KEY_ID_LENGTH, 'sender key id')
    checkLength(state.chainKey, CHAIN_KEY_LENGTH, 'sender chain key')
    this.keyId = state.keyId
    this.chainKey = state.chainKey
    this.nextIndex = state.index
  }

  /** A fresh chain with a random id and key. */
  static generate(): SenderKeyChain {
    return new SenderKeyChain({
      keyId: randomBytes(SENDER_KEY_ID_LENGTH),
      index: 0,
      chainKey: randomBytes(CHAIN_KEY_LENGTH),
    })
  }

  get index(): number {
    return this.nextIndex
  }

  /** Where the chain stands now: what a member given this state can read from here on. */
  state(): SenderKeyState {
    return { keyId: this.keyId, index: this.nextIndex, chainKey: this.chainKey }
  }

  /**
   * Moves the chain on to `index` without using the keys in between: after a restart, past
   * every position that may have been used before it.
   */
  skipTo(index: number): void {
    while (this.nextIndex < index) {
      this.chainKey = nextChainKey(this.chainKey)
      this.nextIndex++
    }
  }

  /** Encrypts under the next message key and advances; `ad` is authenticated, not encrypted. */
  encrypt(plaintext: Uint8Array, ad: Uint8Array): SenderKeyCiphertext {
    const index = this.nextIndex
    const ciphertext = seal(messageKeyOf(this.chainKey), plaintext, ad)
    this.chainKey = nextChainKey(this.chainKey)
    this.nextIndex = index + 1
    return { keyId: this.keyId, index, ciphertext }
  }
}

/**
 * Another member's chain, as we received it. Messages may arrive out of order: keys of
 * messages skipped over are kept (at most MAX_ROOM_KEY_SKIP of them) until their message
 * comes. A decryption that fails changes nothing.
 */
export class ReceivedSenderKey {
  readonly keyId: Uint8Array
  private chainKey: Uint8Array
  private nextIndex: number
  private readonly skipped: Map<number, Uint8Array>

  constructor(state: SenderKeyState, skipped: Map<number, Uint8Array> = new Map()) {
    checkLength(state.keyId, SENDER_KEY_ID_LENGTH, 'sender key id')
    checkLength(state.chainKey, CHAIN_KEY_LENGTH, 'sender chain key')
    this.keyId = state.keyId
    this.chainKey = state.chainKey
    this.nextIndex = state.index
    this.skipped = skipped
  }

  /** The first index not yet reached. */
  get index(): number {
    return this.nextIndex
  }

  get skippedCount(): number {
    return this.skipped.size
  }

  /**
   * Throws SenderKeyReplayError for an index already used (or from before we got the key),
   * SenderKeyTooFarAheadError past the skip bound, DecryptionError for a wrong key or altered data.
   */
  decrypt(index: number, ciphertext: Uint8Array, ad: Uint8Array): Uint8Array {
    if (!Number.isSafeInteger(index) || index < 0) {
      throw new MalformedMessageError(`sender-key index ${index} is not a valid position`)
    }
    if (index < this.nextIndex) {
      const key = this.skipped.get(index)
      if (key == null) {
        throw new SenderKeyReplayError(
          `sender-key message ${index} was already read, or comes from before this key was received`,
        )
      }
      const plaintext = open(key, ciphertext, ad)
      this.skipped.delete(index)
      return plaintext
    }
    if (index - this.nextIndex > MAX_ROOM_KEY_SKIP) {
      throw new SenderKeyTooFarAheadError(
        `sender-key message ${index} is more than ${MAX_ROOM_KEY_SKIP} ahead of ${this.nextIndex}`,
      )
    }
    let chainKey = this.chainKey
    const newlySkipped: Array<[number, Uint8Array]> = []
    for (let i = this.nextIndex; i < index; i++) {
      newlySkipped.push([i, messageKeyOf(chainKey)])
      chainKey = nextChainKey(chainKey)
    }
    const plaintext = open(messageKeyOf(chainKey), ciphertext, ad)
    for (const [i, key] of newlySkipped) this.skipped.set(i, key)
    // Oldest skipped keys go first: a message that late is most likely lost for good.
    while (this.skipped.size > MAX_ROOM_KEY_SKIP) {
      this.skipped.delete(this.skipped.keys().next().value as number)
    }
    this.chainKey = nextChainKey(chainKey)
    this.nextIndex = index + 1
    return plaintext
  }

  toJSON(): SerializedReceivedKey {
    return {
      keyId: toBase64(this.keyId),
      index: this.nextIndex,
      chainKey: toBase64(this.chainKey),
      skipped: [...this.skipped].map(([i, key]) => [i, toBase64(key)]),
    }
  }

  static fromJSON(json: SerializedReceivedKey): ReceivedSenderKey {
    return new ReceivedSenderKey(
      { keyId: fromBase64(json.keyId), index: json.index, chainKey: fromBase64(json.chainKey) },
      new Map(json.skipped.map(([i, key]) => [i, fromBase64(key)])),
    )
  }
}

export interface SerializedReceivedKey {
  keyId: string
  index: number
  chainKey: string
  skipped: Array<[number, string]>
}

export interface SerializedSenderKey {
  keyId: string
  index: number
  chainKey: string
}

export function serializeSenderKey(state: SenderKeyState): SerializedSenderKey {
  return { keyId: toBase64(state.keyId), index: state.index, chainKey: toBase64(state.chainKey) }
}

export function deserializeSenderKey(json: SerializedSenderKey): SenderKeyState {
  return { keyId: fromBase64(json.keyId), index: json.index, chainKey: fromBase64(json.chainKey) }
}
