/**
 * The ratchet sessions we hold with one peer: the active one, which we encrypt with, and a
 * few previous ones kept for receiving only, so that messages already in flight on a session
 * we moved away from (the peer restarted it, or both ends started one at once) still decrypt.
 *
 * Both ends starting a session at once: each keeps the session whose initiator has the
 * smaller identity key, and both keep the other session for receiving, so nothing sent on the
 * losing session is lost and both converge without another round trip.
 */

import { bytesEqual } from '../../protocol/bytes.ts'
import { ProtocolError } from '../../protocol/errors.ts'
import { isPreferredInitiator } from '../../protocol/messaging.ts'
import {
  decodeMessageHeader,
  type EncryptedMessage,
  type MessageHeader,
  type OneTimePrekey,
  type PrekeyBundle,
  SessionRatchet,
} from '../../protocol/session/index.ts'
import type { Identity } from '../identity/index.ts'
import type { PrekeyPort } from './ports.ts'

/** Sessions kept for receiving after they stop being the active one. */
export const MAX_PREVIOUS_SESSIONS = 4

/** Why a received message was refused; `code` is stable, for logs and penalties. */
export class ReceiveRejection extends Error {
  override name = 'ReceiveRejection'

  constructor(
    readonly code:
      | 'malformed'
      | 'forged-sender'
      | 'replayed-session-start'
      | 'replayed-message'
      | 'unknown-prekey'
      | 'no-session'
      | 'undecryptable',
    message: string,
  ) {
    super(message)
  }
}

/** Rejections an honest peer can cause (stale bundle, our lost data): no penalty for them. */
const HONEST_REJECTIONS: ReadonlySet<ReceiveRejection['code']> = new Set([
  'unknown-prekey',
  'no-session',
])

/** True when only a faulty or hostile peer sends what was rejected this way. */
export function isHostileRejection(code: ReceiveRejection['code']): boolean {
  return !HONEST_REJECTIONS.has(code)
}

export interface DecryptContext {
  identity: Identity
  peerKey: Uint8Array
  prekeys: PrekeyPort
  /** True when this session base key was accepted from the peer before. */
  isBaseKeyAccepted(baseKey: Uint8Array): Promise<boolean>
  /**
   * Reserves a peeked one-time prekey for this start and deletes it with the batch that
   * commits its session. False when another start (from any peer) holds it: both peeked it
   * before either committed, and only one may use it.
   */
  claimOneTimePrekey(id: number): boolean
}

export interface DecryptResult {
  plaintext: Uint8Array
  /** Set when the message started a new session: its base key, to remember. */
  acceptedBaseKey?: Uint8Array
}

export class PeerSessions {
  active: SessionRatchet | null
  previous: SessionRatchet[]

  constructor(active: SessionRatchet | null = null, previous: SessionRatchet[] = []) {
    this.active = active
    this.previous = previous
  }

  get isEmpty(): boolean {
    return this.active == null && this.previous.length === 0
  }

  /** Starts a session from the peer's bundle; it becomes the active one. */
  initiate(identity: Identity, peerKey: Uint8Array, bundle: PrekeyBundle): void {
    if (!bytesEqual(bundle.identityKey, peerKey)) {
      throw new ProtocolError('the prekey bundle fetched belongs to another identity')
    }
    const session = SessionRatchet.initiate({ identity, bundle })
    if (this.active != null) this.#keepPrevious(this.active)
    this.active = session
  }

  /** Encrypts with the active session (initiate first when there is none). */
  encrypt(plaintext: Uint8Array): { message: EncryptedMessage; baseKey: Uint8Array } {
    if (this.active == null) throw new ProtocolError('no session with this peer yet')
    return { message: this.active.encrypt(plaintext), baseKey: this.active.baseKey }
  }

  /** Drops the active session: the peer could not read it. The next send starts afresh. */
  resetActive(): void {
    if (this.active == null) return
    this.#keepPrevious(this.active)
    this.active = null
  }

  /**
   * Decrypts a message from the peer, accepting a new session when it starts one. Leaves
   * every session unchanged when it throws (a ReceiveRejection saying why).
   */
  async decrypt(
    header: Uint8Array,
    ciphertext: Uint8Array,
    context: DecryptContext,
  ): Promise<DecryptResult> {
    let decoded: MessageHeader
    try {
      decoded = decodeMessageHeader(header)
    } catch (err) {
      throw new ReceiveRejection('malformed', (err as Error).message)
    }
    const start = decoded.sessionStart
    if (start != null) {
      if (!bytesEqual(start.identityKey, context.peerKey)) {
        throw new ReceiveRejection(
          'forged-sender',
          'the session start names another identity than the sender',
        )
      }
      const known = this.#all().find((session) => !session.isOtherSessionStart(decoded))
      if (known != null) return { plaintext: tryDecrypt(known, header, ciphertext) }
      return this.#accept(header, ciphertext, decoded, context)
    }
    const sessions = this.#all()
    if (sessions.length === 0) {
      throw new ReceiveRejection('no-session', 'message belongs to a session we do not have')
    }
    let firstError: ReceiveRejection | undefined
    for (const session of sessions) {
      try {
        return { plaintext: tryDecrypt(session, header, ciphertext) }
      } catch (err) {
        const rejection = err as ReceiveRejection
        // A replay is certain only for the session that recognised the message.
        if (rejection.code === 'replayed-message') throw rejection
        firstError ??= rejection
      }
    }
    throw firstError!
  }

  async #accept(
    header: Uint8Array,
    ciphertext: Uint8Array,
    decoded: MessageHeader,
    context: DecryptContext,
  ): Promise<DecryptResult> {
    const start = decoded.sessionStart!
    // Without this check, a start made without a one-time prekey could be replayed for as
    // long as its signed prekey lives.
    if (await context.isBaseKeyAccepted(start.ephemeralKey)) {
      throw new ReceiveRejection(
        'replayed-session-start',
        'this session start was accepted before; a replay is refused',
      )
    }
    const signedPrekey = await context.prekeys.signedPrekey(start.signedPrekeyId)
    if (signedPrekey == null) {
      throw new ReceiveRejection(
        'unknown-prekey',
        `signed prekey ${start.signedPrekeyId} is not ours or was rotated away`,
      )
    }
    const oneTimePrekeyId = start.oneTimePrekeyId
    let oneTimePrekey: OneTimePrekey | undefined
    if (oneTimePrekeyId != null) {
      oneTimePrekey = await context.prekeys.peekOneTimePrekey(oneTimePrekeyId)
      if (oneTimePrekey == null) {
        throw new ReceiveRejection(
          'unknown-prekey',
          `one-time prekey ${oneTimePrekeyId} was already used or never ours`,
        )
      }
    }
    let accepted: { session: SessionRatchet; plaintext: Uint8Array }
    try {
      accepted = SessionRatchet.accept({
        identity: context.identity,
        signedPrekey,
        oneTimePrekey,
        header,
        ciphertext,
      })
    } catch (err) {
      throw rejectionOf(err)
    }
    // Claimed only now, after the start authenticated, so a forged one cannot block the key.
    if (oneTimePrekeyId != null && !context.claimOneTimePrekey(oneTimePrekeyId)) {
      throw new ReceiveRejection(
        'unknown-prekey',
        `one-time prekey ${oneTimePrekeyId} was just used by another session start`,
      )
    }
    this.#install(accepted.session, context)
    return { plaintext: accepted.plaintext, acceptedBaseKey: start.ephemeralKey }
  }

  #install(session: SessionRatchet, context: DecryptContext): void {
    const current = this.active
    if (current == null) {
      this.active = session
      return
    }
    const simultaneous = current.awaitingFirstReply
    if (simultaneous && isPreferredInitiator(context.identity.publicKey, context.peerKey)) {
      this.#keepPrevious(session)
      return
    }
    this.#keepPrevious(current)
    this.active = session
  }

  #keepPrevious(session: SessionRatchet): void {
    this.previous.unshift(session)
    if (this.previous.length > MAX_PREVIOUS_SESSIONS) this.previous.length = MAX_PREVIOUS_SESSIONS
  }

  #all(): SessionRatchet[] {
    return this.active == null ? [...this.previous] : [this.active, ...this.previous]
  }
}

function tryDecrypt(session: SessionRatchet, header: Uint8Array, ciphertext: Uint8Array) {
  try {
    return session.decrypt(header, ciphertext)
  } catch (err) {
    throw rejectionOf(err)
  }
}

function rejectionOf(err: unknown): ReceiveRejection {
  const error = err as Error
  switch (error.name) {
    case 'DuplicateMessageError':
    case 'StaleMessageError':
      return new ReceiveRejection('replayed-message', error.message)
    case 'UnknownPrekeyError':
      return new ReceiveRejection('unknown-prekey', error.message)
    case 'MalformedMessageError':
      return new ReceiveRejection('malformed', error.message)
    case 'DecryptionError':
    case 'SessionMismatchError':
    case 'TooManySkippedMessagesError':
    case 'InvalidKeyError':
      return new ReceiveRejection('undecryptable', error.message)
    default:
      throw err
  }
}
