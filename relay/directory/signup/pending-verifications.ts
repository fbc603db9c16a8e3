/**
 * Sign-up verifications under way, in memory: at most one per peer (a new one replaces
 * it) and at most `max` in all, each dropped once it expires or is redeemed.
 *
 * How it is kept: every verification lives exactly SIGNUP_VERIFICATION_TTL_MS, so the map's
 * insertion order is its expiry order (a replaced entry is re-inserted at the end) and a
 * sweep from the front on each insertion removes every expired one; when the map is still
 * full, a new verification is refused with a retry time rather than evicting a live one.
 * A restart forgets them all: people ask for a new code.
 */
import { RateLimitedError } from '../../../protocol/directory-errors.ts'
import type { SignupMethod } from './config-schema.ts'
import type { OidcLoginState } from './oidc-login.ts'

export interface PendingVerification {
  id: Uint8Array
  /** The id, hex: the map key. */
  key: string
  /** The peer that started it; only that peer may redeem it. */
  peer: string
  owner: string
  method: SignupMethod
  expiresMs: number
  /** Masked address shown back to the person; empty for oidc. */
  sentTo: string
  wrongCodes: number
  /** HMAC of the code (email, sms). */
  codeDigest?: Buffer
  /** HMAC of the address or provider account: at start for codes, on login for oidc. */
  addressHash?: string
  oidc?: OidcLoginState
}

export class PendingVerifications {
  private readonly byKey = new Map<string, PendingVerification>()
  private readonly byPeer = new Map<string, string>()
  private readonly byState = new Map<string, string>()
  private readonly max: number
  private readonly clock: () => number

  constructor(max: number, clock: () => number) {
    this.max = max
    this.clock = clock
  }

  get size(): number {
    return this.byKey.size
  }

  add(verification: PendingVerification): void {
    const previous = this.byPeer.get(verification.peer)
    if (previous != null) this.delete(previous)
    this.sweep()
    if (this.byKey.size >= this.max) {
      const oldest = this.byKey.values().next().value as PendingVerification
      const retryAfterMs = Math.max(1_000, oldest.expiresMs - this.clock())
      throw new RateLimitedError(
        `the relay has too many sign-up verifications under way; retry in ${Math.ceil(retryAfterMs / 1000)} s`,
        retryAfterMs,
      )
    }
    this.byKey.set(verification.key, verification)
    this.byPeer.set(verification.peer, verification.key)
    if (verification.oidc != null) this.byState.set(verification.oidc.state, verification.key)
  }

  /** The live verification with this id, if any. */
  get(key: string): PendingVerification | undefined {
    const found = this.byKey.get(key)
    if (found != null && found.expiresMs <= this.clock()) {
      this.delete(key)
      return undefined
    }
    return found
  }

  /** The live OpenID login started with this `state`. */
  withState(state: string): PendingVerification | undefined {
    const key = this.byState.get(state)
    return key == null ? undefined : this.get(key)
  }

  delete(key: string): void {
    const found = this.byKey.get(key)
    if (found == null) return
    this.byKey.delete(key)
    if (this.byPeer.get(found.peer) === key) this.byPeer.delete(found.peer)
    if (found.oidc != null) this.byState.delete(found.oidc.state)
  }

  private sweep(): void {
    const now = this.clock()
    for (const [key, entry] of this.byKey) {
      if (entry.expiresMs > now) break
      this.delete(key)
    }
  }
}
