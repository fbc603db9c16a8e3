/**
 * The relay's sign-up verifications: it tells claimants what it requires, sends a code to
 * an e-mail address or a phone number (or prepares an OpenID login), and lets a claim
 * redeem a completed verification once, which yields the hash of the verified address
 * that the claim then binds its name to (names per address are counted in name-claims.ts).
 *
 * How it is kept: a verification is bound to the peer that started it, lives 10 minutes
 * (SIGNUP_VERIFICATION_TTL_MS), is redeemed at most once, and is void after
 * MAX_SIGNUP_CODE_ATTEMPTS wrong codes; each wrong code is a ClaimRefusedError, which
 * name-claims.ts counts towards the peer's lockout. Codes and addresses are held only as
 * HMACs under the relay's secret (address-hash.ts); pending verifications are bounded in
 * memory (pending-verifications.ts).
 */
import { randomBytes, randomInt, timingSafeEqual } from 'node:crypto'
import type { Logger } from '@libp2p/interface'
import { toHex } from '../../../protocol/bytes.ts'
import {
  ClaimRefusedError,
  DirectoryRequestError,
  RateLimitedError,
  VerificationRequiredError,
} from '../../../protocol/directory-errors.ts'
import {
  MAX_PENDING_SIGNUP_VERIFICATIONS,
  MAX_SIGNUP_CODE_ATTEMPTS,
  SIGNUP_CODES_PER_ADDRESS_PER_HOUR,
  SIGNUP_VERIFICATION_TTL_MS,
} from '../../../protocol/limits.ts'
import type { VerificationTicket } from '../../../protocol/proto/directory.ts'
import type { Caller } from '../caller.ts'
import type { DirectoryMetrics } from '../metrics.ts'
import { type Clock, KeyedRateLimiter } from '../rate-limiter.ts'
import { AddressHasher, maskAddress, parseAddress } from './address-hash.ts'
import { type CodeSender, emailSender, smsSender } from './code-senders.ts'
import { SIGNUP_METHODS, type SignupMethod } from './config-schema.ts'
import type { SignupSetup } from './index.ts'
import { type OidcLoginState, OpenIdLogin } from './oidc-login.ts'
import { type PendingVerification, PendingVerifications } from './pending-verifications.ts'

const VERIFICATION_ID_LENGTH = 16

export interface SignupVerifierInit {
  log: Logger
  metrics: DirectoryMetrics
  /** @default Date.now */
  clock?: Clock
  /** @default MAX_PENDING_SIGNUP_VERIFICATIONS */
  maxPending?: number
}

export class SignupVerifier {
  readonly methods: SignupMethod[]
  readonly namesPerAddress: number
  readonly codeLength: number
  private readonly init: SignupVerifierInit
  private readonly senders: Partial<Record<'email' | 'sms', CodeSender>> = {}
  private readonly oidc?: OpenIdLogin
  private readonly hasher: AddressHasher
  private readonly pending: PendingVerifications
  /** Codes sent per address hash: strangers cannot flood someone's inbox through the relay. */
  private readonly perAddress: KeyedRateLimiter
  private readonly clock: Clock

  constructor(setup: SignupSetup, init: SignupVerifierInit) {
    const { config } = setup
    this.init = init
    this.methods = config.require
    this.namesPerAddress = config.namesPerAddress
    this.codeLength = config.codeLength
    this.hasher = new AddressHasher(setup.secret)
    if (config.email != null && this.methods.includes('email')) {
      this.senders.email = emailSender(config.email, setup.smtpPassword, init.log)
    }
    if (config.sms != null && this.methods.includes('sms')) {
      this.senders.sms = smsSender(config.sms, setup.smsToken, init.log)
    }
    if (config.oidc != null && this.methods.includes('oidc')) {
      this.oidc = new OpenIdLogin(config.oidc, setup.oidcClientSecret, init.log)
    }
    this.clock = init.clock ?? Date.now
    this.pending = new PendingVerifications(
      init.maxPending ?? MAX_PENDING_SIGNUP_VERIFICATIONS,
      this.clock,
    )
    this.perAddress = new KeyedRateLimiter(
      {
        capacity: SIGNUP_CODES_PER_ADDRESS_PER_HOUR,
        refillPerSecond: SIGNUP_CODES_PER_ADDRESS_PER_HOUR / 3600,
      },
      this.clock,
      MAX_PENDING_SIGNUP_VERIFICATIONS,
    )
  }

  get providerName(): string {
    return this.oidc?.providerName ?? ''
  }

  /** Where the OpenID provider sends browsers back, once started. */
  get oidcCallbackUrl(): string | undefined {
    return this.oidc?.callbackUrl
  }

  async start(): Promise<void> {
    await this.oidc?.start((state, finish) => this.completeLogin(state, finish))
  }

  async stop(): Promise<void> {
    await this.oidc?.stop()
    for (const sender of Object.values(this.senders)) sender.close()
  }

  /** What the relay requires, in words: "an e-mail code or a login with Example". */
  describe(): string {
    const words: Record<SignupMethod, string> = {
      email: 'a code sent to your e-mail address',
      sms: 'a code sent to your phone',
      oidc: `a login with ${this.providerName}`,
    }
    return this.methods.map((method) => words[method]).join(' or ')
  }

  /** Sends a code (email, sms) or prepares a login (oidc) for `caller`. */
  async begin(caller: Caller, rawMethod: string, rawAddress: string): Promise<VerificationTicket> {
    const method = rawMethod as SignupMethod
    if (!SIGNUP_METHODS.includes(method) || !this.methods.includes(method)) {
      throw new DirectoryRequestError(
        `this relay does not verify by "${rawMethod}"; it accepts ${this.methods.join(', ')}`,
      )
    }
    const id = randomBytes(VERIFICATION_ID_LENGTH)
    const verification: PendingVerification = {
      id,
      key: toHex(id),
      peer: caller.peer,
      owner: caller.owner,
      method,
      expiresMs: this.clock() + SIGNUP_VERIFICATION_TTL_MS,
      sentTo: '',
      wrongCodes: 0,
    }
    if (method === 'oidc') {
      const oidc = this.oidc
      if (oidc == null) throw new DirectoryRequestError('this relay has no OpenID provider')
      verification.oidc = await oidc.begin()
      this.pending.add(verification)
      this.init.metrics.verificationsStarted.inc({ method })
      return this.ticket(verification)
    }
    const address = parseAddress(method, rawAddress)
    const code = String(randomInt(0, 10 ** this.codeLength)).padStart(this.codeLength, '0')
    verification.addressHash = this.hasher.hash(method, address.canonical)
    const paced = this.perAddress.take(verification.addressHash)
    if (!paced.allowed) {
      throw new RateLimitedError(
        `${SIGNUP_CODES_PER_ADDRESS_PER_HOUR} codes were sent there within the hour; use the last one, or retry in ${Math.ceil(paced.retryAfterMs / 60_000)} min`,
        paced.retryAfterMs,
      )
    }
    verification.codeDigest = this.hasher.codeDigest(id, code)
    verification.sentTo = maskAddress(method, address.canonical)
    // Held before sending, so the memory bound refuses before anything is sent.
    this.pending.add(verification)
    try {
      await this.sender(method).send(address.deliverTo, code)
    } catch (err) {
      this.pending.delete(verification.key)
      throw err
    }
    this.init.metrics.verificationsStarted.inc({ method })
    this.init.log(
      'sent a sign-up code by %s to %s for %s',
      method,
      verification.sentTo,
      caller.peer,
    )
    return this.ticket(verification)
  }

  /** How `caller`'s verification stands. */
  status(caller: Caller, id: Uint8Array): VerificationTicket {
    return this.ticket(this.own(caller, id))
  }

  /**
   * Spends `caller`'s completed verification and returns the hash of the verified address.
   * A wrong code, or a verification that is unknown, expired or another peer's, throws
   * ClaimRefusedError (the caller counts it); a login not yet completed throws
   * VerificationRequiredError (not a guess, so not counted).
   */
  redeem(
    caller: Caller,
    id: Uint8Array,
    code: string,
  ): { addressHash: string; method: SignupMethod } {
    const verification = this.own(caller, id)
    if (verification.codeDigest != null) {
      const given = this.hasher.codeDigest(verification.id, code.trim())
      if (!timingSafeEqual(given, verification.codeDigest)) {
        verification.wrongCodes++
        const left = MAX_SIGNUP_CODE_ATTEMPTS - verification.wrongCodes
        if (left <= 0) this.pending.delete(verification.key)
        throw new ClaimRefusedError(
          left > 0
            ? `that code is wrong; ${left} ${left === 1 ? 'try' : 'tries'} left`
            : 'that code is wrong, and it was the last try: ask for a new code',
        )
      }
    }
    if (verification.addressHash == null) {
      throw new VerificationRequiredError(
        `the login with ${this.providerName} has not completed yet: finish it in the browser, then claim again`,
        ['oidc'],
      )
    }
    this.pending.delete(verification.key)
    this.init.metrics.verificationsRedeemed.inc({ method: verification.method })
    return { addressHash: verification.addressHash, method: verification.method }
  }

  private own(caller: Caller, id: Uint8Array): PendingVerification {
    const verification = this.pending.get(toHex(id))
    if (verification == null || verification.owner !== caller.owner) {
      throw new ClaimRefusedError(
        'this verification is unknown or expired (codes last 10 minutes): ask for a new one',
      )
    }
    return verification
  }

  /** The provider redirected the browser back: record the account's hash on the login. */
  private async completeLogin(
    state: string,
    finish: (login: OidcLoginState) => Promise<string>,
  ): Promise<void> {
    const verification = this.pending.withState(state)
    if (verification?.oidc == null) {
      throw new ClaimRefusedError('this login is unknown or expired: start again from TokenIM')
    }
    const account = await finish(verification.oidc)
    verification.addressHash = this.hasher.hash('oidc', account)
    this.init.log('an OpenID login completed for %s', verification.peer)
  }

  private sender(method: 'email' | 'sms'): CodeSender {
    const sender = this.senders[method]
    if (sender == null) throw new DirectoryRequestError(`this relay cannot send codes by ${method}`)
    return sender
  }

  private ticket(verification: PendingVerification): VerificationTicket {
    return {
      id: new Uint8Array(verification.id),
      method: verification.method,
      expiresMs: BigInt(verification.expiresMs),
      sentTo: verification.sentTo,
      authorizationUrl: verification.oidc?.authorizationUrl ?? '',
      completed: verification.method === 'oidc' && verification.addressHash != null,
    }
  }
}
