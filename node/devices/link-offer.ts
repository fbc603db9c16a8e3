/**
 * The one-time code an existing device shows to link a new one (doc/accounts.md, "Linking a
 * device"). One code is open at a time: a new one replaces the last. The code works once:
 * the first proof that matches uses it up, whatever follows. It expires LINK_CODE_TTL_MS
 * after it was made, by this device's clock. Proofs that match nothing are counted, and
 * after MAX_LINK_ATTEMPTS the code is voided: its 128-bit secret cannot be guessed, but a
 * stranger who knows the address must not keep this device busy for ten minutes either.
 */
import {
  encodeLinkCode,
  type LinkCodeFields,
  linkProofMatches,
} from '../../protocol/accounts/index.ts'
import { randomBytes } from '../../protocol/crypto/index.ts'
import {
  LINK_CODE_TTL_MS,
  LINK_SECRET_LENGTH,
  MAX_LINK_ATTEMPTS,
  MAX_LINK_CODE_ADDRESSES,
} from '../../protocol/limits.ts'
import {
  LinkCodeExpiredError,
  LinkCodeUsedError,
  LinkCodeWrongError,
  type LinkError,
} from './errors.ts'

export interface OpenLinkCode {
  /** The code's text, to show and to put in a QR code. */
  text: string
  expiresMs: number
}

export class LinkOffer {
  readonly #device: Uint8Array
  readonly #clock: () => number
  #code?: LinkCodeFields & { used: boolean; attempts: number }

  constructor(device: Uint8Array, clock: () => number) {
    this.#device = device
    this.#clock = clock
  }

  /**
   * A new code for these addresses (encoded multiaddrs, best first; the first
   * MAX_LINK_CODE_ADDRESSES are kept); the last code stops working.
   */
  open(addresses: Uint8Array[]): OpenLinkCode {
    const fields = {
      device: this.#device,
      addresses: addresses.slice(0, MAX_LINK_CODE_ADDRESSES),
      secret: randomBytes(LINK_SECRET_LENGTH),
      expiresMs: this.#clock() + LINK_CODE_TTL_MS,
    }
    const text = encodeLinkCode(fields)
    this.#code = { ...fields, used: false, attempts: 0 }
    return { text, expiresMs: fields.expiresMs }
  }

  /** Stops the open code. */
  close(): void {
    this.#code = undefined
  }

  /**
   * The secret of the open code when `proof` (from device `joining`) matches it, which uses
   * the code up; otherwise the error to answer with: wrong, expired or used.
   */
  take(proof: Uint8Array, joining: Uint8Array): Uint8Array | LinkError {
    const code = this.#code
    if (code == null || !linkProofMatches(proof, code.secret, this.#device, joining)) {
      if (code != null && ++code.attempts >= MAX_LINK_ATTEMPTS) this.close()
      return new LinkCodeWrongError('the link code is wrong: check it, or show a new one')
    }
    if (code.used) return new LinkCodeUsedError('this link code was used already: show a new one')
    if (this.#clock() >= code.expiresMs) {
      return new LinkCodeExpiredError('this link code has expired: show a new one')
    }
    code.used = true
    return code.secret
  }
}
