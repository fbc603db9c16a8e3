/**
 * One end of a 1:1 session: X3DH to start, then the Double Ratchet (Signal's specification,
 * section 3, without header encryption) for every message.
 *
 * Decryption is transactional: all new state is computed aside and committed only once the
 * message authenticates, so a forged, altered or replayed message leaves the session exactly
 * as it was.
 */
import { bytesEqual, concatBytes } from '../bytes.ts'
import { type Ed25519KeyPair, generateX25519KeyPair, x25519 } from '../crypto/index.ts'
import {
  DecryptionError,
  DuplicateMessageError,
  MalformedMessageError,
  ProtocolError,
  SessionMismatchError,
  StaleMessageError,
  TooManySkippedMessagesError,
} from '../errors.ts'
import {
  MAX_CLOSED_RECEIVING_CHAINS,
  MAX_MESSAGE_NUMBER,
  MAX_SKIP,
  MAX_SKIPPED_MESSAGE_KEYS,
} from './limits.ts'
import {
  decodeMessageHeader,
  encodeMessageHeader,
  type MessageHeader,
  type SessionStart,
} from './message-header.ts'
import type { OneTimePrekey, PrekeyBundle, SignedPrekey } from './prekeys.ts'
import { kdfChainKey, kdfRootKey, openMessage, sealMessage } from './ratchet-kdf.ts'
import {
  type ClosedReceivingChain,
  deserializeRatchetState,
  type RatchetState,
  type SkippedMessageKey,
  serializeRatchetState,
  sessionAssociatedData,
  skippedKeyId,
} from './ratchet-state.ts'
import { x3dhInitiate, x3dhRespond } from './x3dh.ts'

export interface InitiateSessionInit {
  /** Our Ed25519 identity key pair. */
  identity: Ed25519KeyPair
  /** The peer's bundle; check first that its identityKey is the peer you mean to reach. */
  bundle: PrekeyBundle
}

export interface AcceptSessionInit {
  /** Our Ed25519 identity key pair. */
  identity: Ed25519KeyPair
  /** Our signed prekey with the id named in the header's session-start fields. */
  signedPrekey: SignedPrekey
  /**
   * Our one-time prekey with the id named in the header, if it names one. On success its
   * private key is zeroed in place, so it can never start a second session; delete it from
   * storage. On failure it is left untouched.
   */
  oneTimePrekey?: OneTimePrekey
  /** The encoded header of a message that carries session-start fields. */
  header: Uint8Array
  ciphertext: Uint8Array
}

export interface EncryptedMessage {
  /** The encoded header (see message-header.ts), authenticated with the ciphertext. */
  header: Uint8Array
  /** AES-256-GCM ciphertext with its 16-byte tag. */
  ciphertext: Uint8Array
}

/** New state computed by a decryption, committed only when the message authenticates. */
interface ReceivePlan {
  messageKey: Uint8Array
  receivingChainKey: Uint8Array
  receiveCount: number
  skipped: SkippedMessageKey[]
  ratchetStep?: {
    closing: ClosedReceivingChain | null
    receivingRatchetKey: Uint8Array
    rootKey: Uint8Array
    sendingRatchetKey: RatchetState['sendingRatchetKey']
    sendingChainKey: Uint8Array
  }
}

export class SessionRatchet {
  readonly #state: RatchetState

  private constructor(state: RatchetState) {
    this.#state = state
  }

  /**
   * Alice's side: X3DH against the peer's bundle, then the ratchet's first sending chain.
   * Throws InvalidSignatureError for a bundle that does not verify.
   */
  static initiate(init: InitiateSessionInit): SessionRatchet {
    const x3dh = x3dhInitiate(init.identity, init.bundle)
    const sendingRatchetKey = generateX25519KeyPair()
    const { rootKey, chainKey } = kdfRootKey(
      x3dh.sharedSecret,
      x25519(sendingRatchetKey.privateKey, x3dh.remoteSignedPrekey),
    )
    x3dh.sharedSecret.fill(0)
    const pendingSessionStart: RatchetState['pendingSessionStart'] = {
      signedPrekeyId: x3dh.signedPrekeyId,
    }
    if (x3dh.oneTimePrekeyId != null) pendingSessionStart.oneTimePrekeyId = x3dh.oneTimePrekeyId
    return new SessionRatchet({
      ...emptyCounters(),
      role: 'initiator',
      localIdentityKey: Uint8Array.from(init.identity.publicKey),
      remoteIdentityKey: x3dh.remoteIdentityKey,
      baseKey: x3dh.ephemeralKey,
      rootKey,
      sendingRatchetKey,
      receivingRatchetKey: x3dh.remoteSignedPrekey,
      sendingChainKey: chainKey,
      receivingChainKey: null,
      pendingSessionStart,
    })
  }

  /**
   * Bob's side: X3DH from the first message Bob receives, then decryption of that message.
   * Nothing is kept (and the one-time prekey stays usable) unless the message authenticates.
   * Throws UnknownPrekeyError when the keys passed are not the ones the header names,
   * MalformedMessageError for a header without session-start fields, DecryptionError for a
   * message that does not authenticate.
   */
  static accept(init: AcceptSessionInit): { session: SessionRatchet; plaintext: Uint8Array } {
    const { sessionStart } = decodeMessageHeader(init.header)
    if (sessionStart == null) {
      throw new MalformedMessageError(
        'message does not start a session; it belongs to a session we do not have',
      )
    }
    const x3dh = x3dhRespond({
      identity: init.identity,
      signedPrekey: init.signedPrekey,
      oneTimePrekey: init.oneTimePrekey,
      remoteIdentityKey: sessionStart.identityKey,
      remoteEphemeralKey: sessionStart.ephemeralKey,
      signedPrekeyId: sessionStart.signedPrekeyId,
      oneTimePrekeyId: sessionStart.oneTimePrekeyId,
    })
    const session = new SessionRatchet({
      ...emptyCounters(),
      role: 'responder',
      localIdentityKey: Uint8Array.from(init.identity.publicKey),
      remoteIdentityKey: Uint8Array.from(sessionStart.identityKey),
      baseKey: Uint8Array.from(sessionStart.ephemeralKey),
      rootKey: x3dh.sharedSecret,
      sendingRatchetKey: {
        privateKey: Uint8Array.from(init.signedPrekey.keyPair.privateKey),
        publicKey: Uint8Array.from(init.signedPrekey.keyPair.publicKey),
      },
      receivingRatchetKey: null,
      sendingChainKey: null,
      receivingChainKey: null,
      pendingSessionStart: null,
    })
    const plaintext = session.decrypt(init.header, init.ciphertext)
    init.oneTimePrekey?.keyPair.privateKey.fill(0)
    return { session, plaintext }
  }

  /** Restores a session from `serialize()`. Throws MalformedMessageError for anything else. */
  static deserialize(bytes: Uint8Array): SessionRatchet {
    return new SessionRatchet(deserializeRatchetState(bytes))
  }

  /** The persisted form, versioned. It holds secrets: store it sealed. */
  serialize(): Uint8Array {
    return serializeRatchetState(this.#state)
  }

  get localIdentityKey(): Uint8Array {
    return Uint8Array.from(this.#state.localIdentityKey)
  }

  get remoteIdentityKey(): Uint8Array {
    return Uint8Array.from(this.#state.remoteIdentityKey)
  }

  /** The initiator's X3DH ephemeral key: names this session on both sides. */
  get baseKey(): Uint8Array {
    return Uint8Array.from(this.#state.baseKey)
  }

  /** True for the initiator until the responder's first message arrives. */
  get awaitingFirstReply(): boolean {
    return this.#state.pendingSessionStart != null
  }

  get skippedKeyCount(): number {
    return this.#state.skippedKeys.size
  }

  /** Skipped keys discarded over the session's life to respect MAX_SKIPPED_MESSAGE_KEYS. */
  get discardedKeyCount(): number {
    return this.#state.discardedKeyCount
  }

  /**
   * True when `header` is a session start for a session other than this one: the peer
   * started afresh and the message wants `SessionRatchet.accept`, not `decrypt`.
   */
  isOtherSessionStart(header: MessageHeader): boolean {
    return header.sessionStart != null && !this.#isThisSessionStart(header.sessionStart)
  }

  /** RatchetEncrypt. */
  encrypt(plaintext: Uint8Array): EncryptedMessage {
    const state = this.#state
    if (state.sendingChainKey == null) {
      throw new ProtocolError('this session cannot send before it has received a message')
    }
    if (state.sendCount >= MAX_MESSAGE_NUMBER) {
      throw new ProtocolError('this sending chain is exhausted; start a new session')
    }
    const { chainKey, messageKey } = kdfChainKey(state.sendingChainKey)
    const header = encodeMessageHeader({
      ratchetKey: state.sendingRatchetKey.publicKey,
      previousChainLength: state.previousSendCount,
      messageNumber: state.sendCount,
      sessionStart: this.#pendingSessionStartFields(),
    })
    const ciphertext = sealMessage(
      messageKey,
      plaintext,
      concatBytes(sessionAssociatedData(state), header),
    )
    messageKey.fill(0)
    state.sendingChainKey.fill(0)
    state.sendingChainKey = chainKey
    state.sendCount++
    return { header, ciphertext }
  }

  /**
   * RatchetDecrypt. Throws, leaving the session unchanged: MalformedMessageError for a bad
   * header; DecryptionError when the message does not authenticate (which is also how a
   * duplicate from a chain older than the last MAX_CLOSED_RECEIVING_CHAINS ends);
   * InvalidKeyError for an unusable ratchet key; DuplicateMessageError for a message already
   * decrypted; StaleMessageError for one that may have been, or whose key was discarded;
   * TooManySkippedMessagesError for one too far ahead; SessionMismatchError for a session
   * start of another session (see isOtherSessionStart).
   */
  decrypt(header: Uint8Array, ciphertext: Uint8Array): Uint8Array {
    const state = this.#state
    const decoded = decodeMessageHeader(header)
    if (decoded.sessionStart != null && !this.#isThisSessionStart(decoded.sessionStart)) {
      throw new SessionMismatchError(
        'message starts a different session with this peer; accept it as a new session',
      )
    }
    const associatedData = concatBytes(sessionAssociatedData(state), header)
    const id = skippedKeyId(decoded.ratchetKey, decoded.messageNumber)
    const skipped = state.skippedKeys.get(id)
    if (skipped != null) {
      const plaintext = openMessage(skipped.messageKey, ciphertext, associatedData)
      state.skippedKeys.delete(id)
      skipped.messageKey.fill(0)
      state.pendingSessionStart = null
      return plaintext
    }
    const plan = this.#planReceive(decoded)
    const plaintext = openMessage(plan.messageKey, ciphertext, associatedData)
    this.#commit(plan)
    return plaintext
  }

  #planReceive(header: MessageHeader): ReceivePlan {
    const state = this.#state
    const { ratchetKey, messageNumber } = header
    if (messageNumber >= MAX_MESSAGE_NUMBER) {
      throw new MalformedMessageError('message number is out of range')
    }
    if (state.receivingRatchetKey != null && bytesEqual(ratchetKey, state.receivingRatchetKey)) {
      if (state.receivingChainKey == null) {
        throw new DecryptionError('message claims a ratchet key this session never receives on')
      }
      if (messageNumber < state.receiveCount) {
        throw usedKeyError(messageNumber, state.receivingDiscardedBelow)
      }
      return advanceChain(state.receivingChainKey, state.receiveCount, messageNumber, ratchetKey)
    }
    const closed = state.closedChains.find((chain) => bytesEqual(chain.ratchetKey, ratchetKey))
    if (closed != null) {
      if (messageNumber < closed.length) throw usedKeyError(messageNumber, closed.discardedBelow)
      throw new DecryptionError('message claims a number past the end of a finished chain')
    }
    // A new ratchet key from the peer: the spec's DHRatchet, preceded by skipping what is left
    // of the current receiving chain.
    let closing: ClosedReceivingChain | null = null
    let skipped: SkippedMessageKey[] = []
    if (state.receivingRatchetKey != null && state.receivingChainKey != null) {
      skipped = skipMessageKeys(
        state.receivingChainKey,
        state.receiveCount,
        header.previousChainLength,
        state.receivingRatchetKey,
      ).skipped
      closing = {
        ratchetKey: state.receivingRatchetKey,
        length: Math.max(state.receiveCount, header.previousChainLength),
        discardedBelow: state.receivingDiscardedBelow,
      }
    }
    const receiving = kdfRootKey(
      state.rootKey,
      x25519(state.sendingRatchetKey.privateKey, ratchetKey),
    )
    const sendingRatchetKey = generateX25519KeyPair()
    const sending = kdfRootKey(receiving.rootKey, x25519(sendingRatchetKey.privateKey, ratchetKey))
    const plan = advanceChain(receiving.chainKey, 0, messageNumber, ratchetKey)
    plan.skipped = [...skipped, ...plan.skipped]
    plan.ratchetStep = {
      closing,
      receivingRatchetKey: Uint8Array.from(ratchetKey),
      rootKey: sending.rootKey,
      sendingRatchetKey,
      sendingChainKey: sending.chainKey,
    }
    return plan
  }

  #commit(plan: ReceivePlan): void {
    const state = this.#state
    const step = plan.ratchetStep
    if (step != null) {
      if (step.closing != null) {
        state.closedChains.push(step.closing)
        if (state.closedChains.length > MAX_CLOSED_RECEIVING_CHAINS) state.closedChains.shift()
      }
      state.previousSendCount = state.sendCount
      state.sendCount = 0
      state.receivingRatchetKey = step.receivingRatchetKey
      state.receivingDiscardedBelow = 0
      state.rootKey.fill(0)
      state.rootKey = step.rootKey
      state.sendingRatchetKey.privateKey.fill(0)
      state.sendingRatchetKey = step.sendingRatchetKey
      state.sendingChainKey?.fill(0)
      state.sendingChainKey = step.sendingChainKey
    }
    // Wiping used keys is what makes them unrecoverable from this object (forward secrecy).
    state.receivingChainKey?.fill(0)
    state.receivingChainKey = plan.receivingChainKey
    state.receiveCount = plan.receiveCount
    state.pendingSessionStart = null
    plan.messageKey.fill(0)
    for (const skipped of plan.skipped) {
      state.skippedKeys.set(skippedKeyId(skipped.ratchetKey, skipped.messageNumber), skipped)
    }
    while (state.skippedKeys.size > MAX_SKIPPED_MESSAGE_KEYS) this.#discardOldestSkippedKey()
  }

  /**
   * Drops the oldest skipped key. Keys enter the store in ascending number within a chain, so
   * a chain's discarded keys are exactly its skipped keys below `discardedBelow`; any missing
   * key at or above it was used, which is what lets decrypt name a duplicate for certain.
   */
  #discardOldestSkippedKey(): void {
    const state = this.#state
    const [id, oldest] = state.skippedKeys.entries().next().value as [string, SkippedMessageKey]
    state.skippedKeys.delete(id)
    oldest.messageKey.fill(0)
    state.discardedKeyCount = Math.min(state.discardedKeyCount + 1, MAX_MESSAGE_NUMBER)
    const above = oldest.messageNumber + 1
    if (
      state.receivingRatchetKey != null &&
      bytesEqual(oldest.ratchetKey, state.receivingRatchetKey)
    ) {
      state.receivingDiscardedBelow = Math.max(state.receivingDiscardedBelow, above)
      return
    }
    const chain = state.closedChains.find((closed) =>
      bytesEqual(closed.ratchetKey, oldest.ratchetKey),
    )
    if (chain != null) chain.discardedBelow = Math.max(chain.discardedBelow, above)
  }

  #isThisSessionStart(sessionStart: SessionStart): boolean {
    const state = this.#state
    return (
      state.role === 'responder' &&
      bytesEqual(sessionStart.identityKey, state.remoteIdentityKey) &&
      bytesEqual(sessionStart.ephemeralKey, state.baseKey)
    )
  }

  #pendingSessionStartFields(): SessionStart | undefined {
    const pending = this.#state.pendingSessionStart
    if (pending == null) return undefined
    return {
      identityKey: this.#state.localIdentityKey,
      ephemeralKey: this.#state.baseKey,
      ...pending,
    }
  }
}

function emptyCounters() {
  return {
    sendCount: 0,
    receiveCount: 0,
    previousSendCount: 0,
    receivingDiscardedBelow: 0,
    discardedKeyCount: 0,
    skippedKeys: new Map<string, SkippedMessageKey>(),
    closedChains: [],
  }
}

/** The spec's SkipMessageKeys, computed aside: keys for numbers from..until-1. */
function skipMessageKeys(
  chainKey: Uint8Array,
  from: number,
  until: number,
  ratchetKey: Uint8Array,
): { chainKey: Uint8Array; skipped: SkippedMessageKey[] } {
  if (until - from > MAX_SKIP) {
    throw new TooManySkippedMessagesError(
      `message would skip ${until - from} messages; at most ${MAX_SKIP} may be skipped in one chain`,
    )
  }
  const skipped: SkippedMessageKey[] = []
  let current = chainKey
  for (let n = from; n < until; n++) {
    const step = kdfChainKey(current)
    skipped.push({
      ratchetKey: Uint8Array.from(ratchetKey),
      messageNumber: n,
      messageKey: step.messageKey,
    })
    current = step.chainKey
  }
  return { chainKey: current, skipped }
}

/** Skips to `messageNumber` and derives its key. */
function advanceChain(
  chainKey: Uint8Array,
  from: number,
  messageNumber: number,
  ratchetKey: Uint8Array,
): ReceivePlan {
  const { chainKey: reached, skipped } = skipMessageKeys(chainKey, from, messageNumber, ratchetKey)
  const step = kdfChainKey(reached)
  return {
    messageKey: step.messageKey,
    receivingChainKey: step.chainKey,
    receiveCount: messageNumber + 1,
    skipped,
  }
}

function usedKeyError(messageNumber: number, discardedBelow: number): ProtocolError {
  if (messageNumber < discardedBelow) {
    return new StaleMessageError(
      `message ${messageNumber} is older than the keys this session still holds; it was already read or can no longer be read`,
    )
  }
  return new DuplicateMessageError(
    `message ${messageNumber} was already decrypted; this copy is a duplicate or a replay`,
  )
}
