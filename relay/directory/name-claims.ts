/**
 * Registering, renewing and releasing names: each after a challenge the claimant signs with
 * its identity key (and, as the policy asks, a proof of work, a one-time invite code, or a
 * completed sign-up verification whose address may hold only so many names).
 *
 * How it is kept: the claim is judged (claim-rules.ts) before the challenge and again under
 * the claim locks (keyed-mutex.ts) on the name's skeleton, the claimant, the invite, the
 * verified address's hash and every lapsed entry the claim frees, so two claims on lookalike
 * names, two claims by one identity, two uses of one invite or of one address run one after
 * another. The new record is signed and
 * written in one synced batch (name-store.ts) before the answer leaves, then published in
 * the DHT in the background. Failures a guesser produces count towards its lockout.
 */
import { createHash } from 'node:crypto'
import type { Logger } from '@libp2p/interface'
import type { FramedStream } from '../../network/index.ts'
import { type Ed25519KeyPair, randomBytes } from '../../protocol/crypto/index.ts'
import {
  CHALLENGE_LENGTH,
  CLAIM_ACTION_REGISTER,
  CLAIM_ACTION_RELEASE,
  type ClaimAction,
  openClaimProof,
  signNameRecord,
  verifyWork,
  wireBytes,
} from '../../protocol/directory.ts'
import {
  AlreadyRegisteredError,
  ClaimRefusedError,
  DirectoryRequestError,
  NameNotFoundError,
  VerificationRequiredError,
} from '../../protocol/directory-errors.ts'
import { MAX_NAME_MOVE_ROTATIONS } from '../../protocol/limits.ts'
import { type ClaimAnswer, DirectoryResponse } from '../../protocol/proto/directory.ts'
import { normalizeForm, normalizeUsername, usernameSkeleton } from '../../protocol/username.ts'
import type { Admission } from './admission.ts'
import type { Caller } from './caller.ts'
import { type ClaimJudgement, entryOf, judgeClaim } from './claim-rules.ts'
import type { DirectoryPolicy } from './config.ts'
import type { KeyedMutex } from './keyed-mutex.ts'
import type { DirectoryMetrics } from './metrics.ts'
import type { NameStore } from './name-store.ts'
import type { Clock } from './rate-limiter.ts'
import { readRequest } from './request-stream.ts'
import type { SignupMethod, SignupVerifier } from './signup/index.ts'

export interface NameClaimsContext {
  names: NameStore
  relayKey: Ed25519KeyPair
  policy: DirectoryPolicy
  /** After expiry, only the old owner may renew for this long. */
  graceMs: number
  /** The claimant's answer to a challenge must arrive within this. */
  claimTimeoutMs: number
  admission: Admission
  /** Shared with the session tracker, whose keys (`a:`) never meet these (`s:`, `o:`, `i:`). */
  locks: KeyedMutex
  clock: Clock
  metrics: DirectoryMetrics
  log: Logger
  /** Sign-up verifications required before a new name is granted, when configured. */
  signup?: SignupVerifier
  /** Puts a name's new record into the DHT, in the background, and tells what changed. */
  publish(name: string, record: Uint8Array, change: NameChange): void
  /** A name was registered or renewed by `ownerHex` (the relay pins its commitment). */
  claimed?(name: string, ownerHex: string): void
}

/** What happened to a name, for the relay's log (DirectoryServer's `name:changed`). */
export interface NameChange {
  change: 'registered' | 'renewed' | 'released' | 'moved'
  /** The peer that asked (for a move, the account's new key, hex). */
  peer: string
}

export class NameClaims {
  private readonly context: NameClaimsContext
  private readonly inviteHashes: Set<string>

  constructor(context: NameClaimsContext) {
    this.context = context
    this.inviteHashes = new Set(context.policy.inviteCodes.map(hashInvite))
  }

  async register(
    caller: Caller,
    rawName: string,
    lp: FramedStream,
  ): Promise<Partial<DirectoryResponse>> {
    const { admission, names, policy, relayKey } = this.context
    admission.admit(caller, 'register')
    const name = admission.counted(caller, () => normalizeUsername(rawName))
    const skeleton = usernameSkeleton(name)
    // Checked before the challenge so nobody does proof of work for a name they cannot get;
    // checked again under the lock, where it counts.
    const precheck = await admission.countedAsync(caller, () =>
      this.claimable(caller, name, skeleton),
    )
    const renewal = precheck.renewal
    const workBits = !renewal && policy.registration === 'pow' ? policy.powDifficulty : 0
    const inviteRequired = !renewal && policy.registration === 'invite'
    const verification = renewal ? [] : (this.context.signup?.methods ?? [])
    const answer = await this.challenge(caller, name, CLAIM_ACTION_REGISTER, lp, {
      workBits,
      inviteRequired,
      verification,
    })
    const inviteHash = inviteRequired ? this.checkInvite(caller, answer.inviteCode) : undefined
    const verified = verification.length > 0 ? this.redeem(caller, answer) : undefined
    // The locks cover the name's skeleton, the claimant, the invite, and every lapsed entry
    // the claim frees (whose owner might be claiming something else right now). Which
    // entries have lapsed is only known under the lock: if more locks are needed, take
    // them all and look again.
    let locks = [
      `s:${skeleton}`,
      `o:${caller.owner}`,
      ...(inviteHash == null ? [] : [`i:${inviteHash}`]),
      ...(verified == null ? [] : [`v:${verified.addressHash}`]),
    ]
    let record: Uint8Array | undefined
    while (record == null) {
      const held = locks
      const outcome = await this.context.locks.runExclusive(held, async () => {
        const { replaces } = await admission.countedAsync(caller, () =>
          this.claimable(caller, name, skeleton),
        )
        const needed = replaces.flatMap((stale) => [`s:${stale.skeleton}`, `o:${stale.owner}`])
        if (needed.some((key) => !held.includes(key))) return { moreLocks: [...held, ...needed] }
        if (inviteHash != null && (await names.inviteUsed(inviteHash))) {
          throw admission.countFailure(
            caller,
            new ClaimRefusedError('this invite code was already used'),
          )
        }
        if (verified != null) await this.checkAddressLimit(caller, verified)
        const now = this.context.clock()
        const signed = signNameRecord(relayKey, {
          name,
          publicKey: caller.publicKey,
          relayPublicKey: relayKey.publicKey,
          issuedMs: now,
          expiresMs: now + policy.nameTtl,
        })
        await names.putName(
          { name, skeleton, owner: caller.owner, record: signed },
          { replaces, inviteHash, addressHash: verified?.addressHash },
        )
        return { signed }
      })
      if ('signed' in outcome) record = outcome.signed
      else locks = [...new Set(outcome.moreLocks)]
    }
    this.context.metrics.registrations.inc()
    this.context.log('%s %s "%s"', renewal ? 'renewed' : 'registered', caller.peer, name)
    this.context.publish(name, record, {
      change: renewal ? 'renewed' : 'registered',
      peer: caller.peer,
    })
    this.context.claimed?.(name, caller.owner)
    return { nameRecord: wireBytes(record) }
  }

  async release(
    caller: Caller,
    rawName: string,
    lp: FramedStream,
  ): Promise<Partial<DirectoryResponse>> {
    const { admission, names, relayKey } = this.context
    admission.admit(caller, 'register')
    const name = admission.counted(caller, () => normalizeForm(rawName))
    const skeleton = usernameSkeleton(name)
    const held = await names.byName(name)
    if (held == null || held.owner !== caller.owner) {
      throw admission.countFailure(
        caller,
        new NameNotFoundError(`you hold no name "${name}" on this relay`),
      )
    }
    await this.challenge(caller, name, CLAIM_ACTION_RELEASE, lp, {
      workBits: 0,
      inviteRequired: false,
      verification: [],
    })
    const tombstone = await this.context.locks.runExclusive(
      [`s:${skeleton}`, `o:${caller.owner}`],
      async () => {
        const current = await names.byName(name)
        if (current == null || current.owner !== caller.owner) {
          throw new NameNotFoundError(`you hold no name "${name}" on this relay`)
        }
        await names.removeName(entryOf(current))
        const now = this.context.clock()
        // Outranks the owner's record in the DHT until that one expires.
        return signNameRecord(relayKey, {
          name,
          publicKey: new Uint8Array(0),
          relayPublicKey: relayKey.publicKey,
          issuedMs: now,
          expiresMs: Math.max(now + 1, current.expiresMs),
        })
      },
    )
    this.context.log('released %s "%s"', caller.peer, name)
    this.context.publish(name, tombstone, { change: 'released', peer: caller.peer })
    return { nameRecord: wireBytes(tombstone) }
  }

  /** Reads what stands in the way of `caller` holding `name`, and judges the claim. */
  private async claimable(caller: Caller, name: string, skeleton: string): Promise<ClaimJudgement> {
    const { names } = this.context
    if ((await names.movedTo(caller.owner)) != null) {
      throw new ClaimRefusedError(
        'this key was retired by a key rotation, and its name moved to the new key',
      )
    }
    const holderName = await names.nameOfSkeleton(skeleton)
    const holder = holderName == null ? undefined : await names.byName(holderName)
    const ownedName = await names.nameOfOwner(caller.owner)
    const owned =
      ownedName == null || ownedName === name ? undefined : await names.byName(ownedName)
    return judgeClaim(
      { name, owner: caller.owner },
      { holder, owned },
      this.context.clock(),
      this.context.graceMs,
    )
  }

  /** Sends a challenge and checks the signed answer (and the proof of work, if asked). */
  private async challenge(
    caller: Caller,
    name: string,
    action: ClaimAction,
    lp: FramedStream,
    ask: { workBits: number; inviteRequired: boolean; verification: string[] },
  ): Promise<ClaimAnswer> {
    const { admission, relayKey } = this.context
    const nonce = randomBytes(CHALLENGE_LENGTH)
    const signal = AbortSignal.timeout(this.context.claimTimeoutMs)
    await lp.write(
      DirectoryResponse.encode({
        challenge: {
          nonce: wireBytes(nonce),
          workBits: ask.workBits,
          inviteRequired: ask.inviteRequired,
          verification: ask.verification,
        },
      }),
      { signal },
    )
    const answer = (await readRequest(lp, signal)).answer
    if (answer == null) throw new DirectoryRequestError('expected the answer to the challenge')
    try {
      openClaimProof(answer.proof, {
        challenge: nonce,
        name,
        relayPublicKey: relayKey.publicKey,
        action,
        publicKey: caller.publicKey,
      })
    } catch (err) {
      throw admission.countFailure(caller, err as Error)
    }
    if (!verifyWork(nonce, name, caller.publicKey, answer.workNonce, ask.workBits)) {
      throw admission.countFailure(
        caller,
        new ClaimRefusedError(`the proof of work does not have ${ask.workBits} leading zero bits`),
      )
    }
    return answer
  }

  /** Spends the claimant's completed sign-up verification; a wrong code counts as a failure. */
  private redeem(
    caller: Caller,
    answer: ClaimAnswer,
  ): { addressHash: string; method: SignupMethod } {
    const signup = this.context.signup!
    if (answer.verificationId.length === 0) {
      // Only a node that predates sign-up policies (or skipped the challenge's request) gets here.
      throw new VerificationRequiredError(
        `this relay grants names only after ${signup.describe()}; this version of TokenIM cannot do that: update it, then register again`,
        signup.methods,
      )
    }
    return this.context.admission.counted(caller, () =>
      signup.redeem(caller, answer.verificationId, answer.verificationCode),
    )
  }

  /** Under the address's lock: refuses when other identities hold enough live names with it. */
  private async checkAddressLimit(
    caller: Caller,
    verified: { addressHash: string; method: SignupMethod },
  ): Promise<void> {
    const { names, graceMs, admission } = this.context
    const limit = this.context.signup!.namesPerAddress
    const now = this.context.clock()
    let live = 0
    for (const first of await names.ownersOfAddress(verified.addressHash)) {
      if (first === caller.owner) continue
      // The address counts the name its owner took with it through key rotations.
      let owner = first
      for (let hop = 0; hop < MAX_NAME_MOVE_ROTATIONS; hop++) {
        const next = await names.movedTo(owner)
        if (next == null) break
        owner = next
      }
      const held = await names.nameOfOwner(owner)
      const stored = held == null ? undefined : await names.byName(held)
      if (stored != null && stored.owner === owner && stored.expiresMs + graceMs > now) live++
    }
    if (live < limit) return
    const what = {
      email: 'e-mail address',
      sms: 'phone number',
      oidc: 'account',
    }[verified.method]
    throw admission.countFailure(
      caller,
      new AlreadyRegisteredError(
        `this ${what} already holds ${limit === 1 ? 'a name' : `${limit} names`} on this relay, the most it may; release one first`,
      ),
    )
  }

  private checkInvite(caller: Caller, code: string): string {
    const hash = hashInvite(code)
    if (code === '' || !this.inviteHashes.has(hash)) {
      throw this.context.admission.countFailure(
        caller,
        new ClaimRefusedError('registration on this relay needs a valid invite code'),
      )
    }
    return hash
  }
}

function hashInvite(code: string): string {
  return createHash('sha256').update(code).digest('hex')
}
