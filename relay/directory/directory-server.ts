/**
 * The relay side of `/tokenim/directory/1.0.0`: registers, renews and releases names after
 * a signed challenge, answers lookups and searches, keeps profiles, and tracks the newest
 * session announcement of each identity, telling an older session that it was replaced.
 */
import { createHash } from 'node:crypto'
import type {
  ComponentLogger,
  Connection,
  Logger,
  PrivateKey,
  Startable,
  Stream,
} from '@libp2p/interface'
import type { Registrar } from '@libp2p/interface-internal'
import type { KadDHT } from '@libp2p/kad-dht'
import drain from 'it-drain'
import { TypedEventEmitter } from 'main-event'
import type { Registry } from 'prom-client'
import { FramedStream, isStreamEnd, streamCounts } from '../../node/network/index.ts'
import type { AppLevel } from '../../node/storage.ts'
import { bytesEqual, toHex } from '../../protocol/bytes.ts'
import { decodeMessage } from '../../protocol/codec.ts'
import { type Ed25519KeyPair, randomBytes } from '../../protocol/crypto/index.ts'
import {
  CHALLENGE_LENGTH,
  CLAIM_ACTION_REGISTER,
  CLAIM_ACTION_RELEASE,
  type ClaimAction,
  nameDhtKey,
  openClaimProof,
  openProfile,
  openSessionAnnouncement,
  signNameRecord,
  signSessionNotice,
  verifyWork,
  wireBytes,
} from '../../protocol/directory.ts'
import {
  AlreadyRegisteredError,
  ClaimRefusedError,
  DirectoryError,
  DirectoryRequestError,
  InvalidNameError,
  NameExpiredError,
  NameNotFoundError,
  NameTakenError,
  RateLimitedError,
} from '../../protocol/directory-errors.ts'
import { FramingError } from '../../protocol/errors.ts'
import { DIRECTORY_PROTOCOL } from '../../protocol/ids.ts'
import {
  DIRECTORY_STREAM_LIMITS,
  MAX_DIRECTORY_MESSAGE_SIZE,
  MAX_SEARCH_RESULTS,
} from '../../protocol/limits.ts'
import {
  type ClaimAnswer,
  DirectoryRequest,
  DirectoryResponse,
  type SearchHit,
} from '../../protocol/proto/directory.ts'
import {
  USERNAME_MAX_LENGTH as MAX_PREFIX_LENGTH,
  normalizeForm,
  normalizeUsername,
  usernameSkeleton,
} from '../../protocol/username.ts'
import {
  DEFAULT_DIRECTORY_POLICY,
  type DirectoryPolicy,
  type DirectoryTuning,
  type ResolvedLimits,
  resolveLimits,
} from './config.ts'
import { KeyedMutex } from './keyed-mutex.ts'
import { DirectoryMetrics, type RejectionReason } from './metrics.ts'
import { NameStore, type StoredName } from './name-store.ts'
import { type Clock, FailureLockout, KeyedRateLimiter } from './rate-limiter.ts'

export interface DirectoryServerInit {
  /** The directory's own LevelDB sublevel (e.g. `storage.sublevel('directory')`). */
  store: AppLevel
  /** The relay config's `directory:` section. @default open registration, 365-day names */
  policy?: DirectoryPolicy
  tuning?: DirectoryTuning
  /** Prometheus registry to add the `tokenim_directory_*` counters to (RelayMetrics.registry). */
  registry?: Registry
  /** @default Date.now */
  clock?: Clock
}

export interface DirectoryServerComponents {
  registrar: Registrar
  privateKey: PrivateKey
  logger: ComponentLogger
}

interface Caller {
  peer: string
  publicKey: Uint8Array
  owner: string
  ip: string
}

interface Session {
  counter: bigint
  announcement: Uint8Array
  channel?: { lp: FramedStream; stream: Stream }
}

/** Scan at most this many names per search, so a common prefix cannot make one search costly. */
const MAX_SEARCH_SCAN = 1_000
const MIN_SEARCH_PREFIX = 2
/** A reused stream that carries no request for this long is closed. */
const STREAM_IDLE_MS = 30_000
const DHT_PUT_TIMEOUT_MS = 30_000
const LOCKOUT_COUNTED = new Set([
  'invalid',
  'reserved',
  'taken',
  'unauthorized',
  'already-registered',
])

export interface DirectoryServerEvents {
  /** A name's record (new, renewed or released) reached the DHT. */
  'name:published': CustomEvent<{ name: string }>
}

export class DirectoryServer extends TypedEventEmitter<DirectoryServerEvents> implements Startable {
  readonly metrics: DirectoryMetrics
  private readonly components: DirectoryServerComponents & Partial<Record<'dht', KadDHT>>
  private readonly log: Logger
  private readonly names: NameStore
  private readonly policy: DirectoryPolicy
  private readonly limits: ResolvedLimits
  private readonly tuning: Required<DirectoryTuning> & { graceMs: number }
  private readonly clock: Clock
  private readonly relayKey: Ed25519KeyPair
  private readonly claimLocks = new KeyedMutex()
  private readonly peerBuckets: Record<keyof Omit<ResolvedLimits, 'ipMultiplier'>, KeyedRateLimiter>
  private readonly ipBuckets: Record<keyof Omit<ResolvedLimits, 'ipMultiplier'>, KeyedRateLimiter>
  private readonly lockout: FailureLockout
  private readonly sessions = new Map<string, Session>()
  private readonly inviteHashes: Set<string>
  private republishTimer?: NodeJS.Timeout
  private started = false

  constructor(components: DirectoryServerComponents, init: DirectoryServerInit) {
    super()
    this.components = components
    this.log = components.logger.forComponent('tokenim:directory')
    this.names = new NameStore(init.store)
    this.policy = init.policy ?? DEFAULT_DIRECTORY_POLICY
    const tuning = init.tuning ?? {}
    this.limits = resolveLimits(this.policy)
    this.tuning = {
      requestTimeoutMs: tuning.requestTimeoutMs ?? 10_000,
      claimTimeoutMs: tuning.claimTimeoutMs ?? 60_000,
      republishIntervalMs: tuning.republishIntervalMs ?? 6 * 3_600_000,
      graceMs: this.policy.graceTtl ?? Math.min(30 * 86_400_000, this.policy.nameTtl),
    }
    this.clock = init.clock ?? Date.now
    this.metrics = new DirectoryMetrics(init.registry)
    const key = components.privateKey
    if (key.type !== 'Ed25519') throw new TypeError('the directory needs an Ed25519 relay key')
    this.relayKey = { privateKey: key.raw.subarray(0, 32), publicKey: key.publicKey.raw }
    const buckets = (multiplier: number) => ({
      register: bucket(this.limits.register, multiplier, this.clock),
      lookup: bucket(this.limits.lookup, multiplier, this.clock),
      search: bucket(this.limits.search, multiplier, this.clock),
      update: bucket(this.limits.update, multiplier, this.clock),
    })
    this.peerBuckets = buckets(1)
    this.ipBuckets = buckets(this.limits.ipMultiplier)
    this.lockout = new FailureLockout(
      {
        maxFailures: this.policy.lockout?.failures ?? 10,
        windowMs: this.policy.lockout?.window ?? 10 * 60_000,
        lockoutMs: this.policy.lockout?.duration ?? 15 * 60_000,
      },
      this.clock,
    )
    this.inviteHashes = new Set(this.policy.inviteCodes.map(hashInvite))
  }

  readonly [Symbol.toStringTag] = 'tokenim:directory'

  /** The relay's public key: the scope of every name it issues. */
  get relayPublicKey(): Uint8Array {
    return this.relayKey.publicKey
  }

  async start(): Promise<void> {
    await this.components.registrar.handle(
      DIRECTORY_PROTOCOL,
      (stream, connection) => {
        void this.handle(stream, connection)
      },
      streamCounts(DIRECTORY_STREAM_LIMITS),
    )
    this.started = true
    const every = this.tuning.republishIntervalMs
    const republish = () => {
      void this.republish().catch((err) => this.log.error('republishing names failed - %e', err))
    }
    this.republishTimer = setInterval(republish, every)
    this.republishTimer.unref()
  }

  async stop(): Promise<void> {
    this.started = false
    clearInterval(this.republishTimer)
    await this.components.registrar.unhandle(DIRECTORY_PROTOCOL)
    for (const session of this.sessions.values())
      session.channel?.stream.abort(new Error('relay stopping'))
    this.sessions.clear()
  }

  isStarted(): boolean {
    return this.started
  }

  /** Puts every live name into the DHT again (DHT peers forget records after a day or so). */
  async republish(): Promise<number> {
    let count = 0
    for await (const stored of this.names.all()) {
      if (!this.started) break
      if (stored.expiresMs <= this.clock()) continue
      await this.putInDht(stored.name, stored.record)
      count++
    }
    return count
  }

  private async handle(stream: Stream, connection: Connection): Promise<void> {
    const remoteKey = connection.remotePeer.publicKey
    if (remoteKey?.type !== 'Ed25519') {
      stream.abort(new Error('the directory serves Ed25519 identities only'))
      return
    }
    const caller: Caller = {
      peer: connection.remotePeer.toString(),
      publicKey: remoteKey.raw,
      owner: toHex(remoteKey.raw),
      ip: ipOf(connection),
    }
    const lp = new FramedStream(stream, { limits: DIRECTORY_STREAM_LIMITS })
    // A stream carries requests one after another (clients reuse it: opening a stream costs
    // more than a lookup), until the client closes it or it idles. An announcement takes
    // the stream over for the session's lifetime, so it must come first.
    for (let first = true; ; first = false) {
      let request: DirectoryRequest
      try {
        const wait = first ? this.tuning.requestTimeoutMs : STREAM_IDLE_MS
        request = await readRequest(lp, AbortSignal.timeout(wait))
      } catch (err) {
        if (!first && isEndOfStream(err)) await closeQuietly(stream)
        else await this.refuse(stream, lp, err, AbortSignal.timeout(this.tuning.requestTimeoutMs))
        return
      }
      const signal = AbortSignal.timeout(this.tuning.requestTimeoutMs)
      try {
        if (request.announce != null) {
          if (!first) throw new DirectoryRequestError('an announcement must open its own stream')
          await this.announce(caller, request.announce, { lp, stream }, signal)
          return
        }
        const response = await this.dispatch(caller, request, lp)
        await lp.write(DirectoryResponse.encode(response), { signal })
      } catch (err) {
        if (!(await this.refuse(stream, lp, err, signal))) return
      }
    }
  }

  private async dispatch(
    caller: Caller,
    request: DirectoryRequest,
    lp: FramedStream,
  ): Promise<Partial<DirectoryResponse>> {
    if (request.register != null) return this.register(caller, request.register.name, lp)
    if (request.release != null) return this.release(caller, request.release.name, lp)
    if (request.lookup != null) return this.lookup(caller, request.lookup.name)
    if (request.search != null) {
      return this.search(caller, request.search.prefix, request.search.limit)
    }
    if (request.profile != null) return this.setProfile(caller, request.profile)
    throw new DirectoryRequestError('the request names no directory operation')
  }

  // ---- names ----

  private async register(
    caller: Caller,
    rawName: string,
    lp: FramedStream,
  ): Promise<Partial<DirectoryResponse>> {
    this.admit(caller, 'register')
    const name = this.counted(caller, () => normalizeUsername(rawName))
    const skeleton = usernameSkeleton(name)
    // Checked before the challenge so nobody does proof of work for a name they cannot get;
    // checked again under the lock, where it counts.
    const precheck = await this.countedAsync(caller, () => this.claimable(caller, name, skeleton))
    const renewal = precheck.renewal
    const workBits = !renewal && this.policy.registration === 'pow' ? this.policy.powDifficulty : 0
    const inviteRequired = !renewal && this.policy.registration === 'invite'
    const answer = await this.challenge(caller, name, CLAIM_ACTION_REGISTER, lp, {
      workBits,
      inviteRequired,
    })
    const inviteHash = inviteRequired
      ? await this.checkInvite(caller, answer.inviteCode)
      : undefined
    // The locks cover the name's skeleton, the claimant, the invite, and every lapsed entry
    // the claim frees (whose owner might be claiming something else right now). Which
    // entries have lapsed is only known under the lock: if more locks are needed, take
    // them all and look again.
    let locks = [
      `s:${skeleton}`,
      `o:${caller.owner}`,
      ...(inviteHash == null ? [] : [`i:${inviteHash}`]),
    ]
    let record: Uint8Array | undefined
    while (record == null) {
      const held = locks
      const outcome = await this.claimLocks.runExclusive(held, async () => {
        const { replaces } = await this.countedAsync(caller, () =>
          this.claimable(caller, name, skeleton),
        )
        const needed = replaces.flatMap((stale) => [`s:${stale.skeleton}`, `o:${stale.owner}`])
        if (needed.some((key) => !held.includes(key))) return { moreLocks: [...held, ...needed] }
        if (inviteHash != null && (await this.names.inviteUsed(inviteHash))) {
          throw this.countFailure(
            caller,
            new ClaimRefusedError('this invite code was already used'),
          )
        }
        const now = this.clock()
        const signed = signNameRecord(this.relayKey, {
          name,
          publicKey: caller.publicKey,
          relayPublicKey: this.relayKey.publicKey,
          issuedMs: now,
          expiresMs: now + this.policy.nameTtl,
        })
        await this.names.putName(
          { name, skeleton, owner: caller.owner, record: signed },
          { replaces, inviteHash },
        )
        return { signed }
      })
      if ('signed' in outcome) record = outcome.signed
      else locks = [...new Set(outcome.moreLocks)]
    }
    this.metrics.registrations.inc()
    this.log('%s %s "%s"', renewal ? 'renewed' : 'registered', caller.peer, name)
    void this.putInDht(name, record)
    return { nameRecord: wireBytes(record) }
  }

  /**
   * Whether `caller` may hold `name`: free, or already theirs (a renewal). Names that expired
   * longer than the grace period ago no longer count and are returned in `replaces`.
   */
  private async claimable(
    caller: Caller,
    name: string,
    skeleton: string,
  ): Promise<{
    renewal: boolean
    replaces: Array<{ name: string; skeleton: string; owner: string }>
  }> {
    const now = this.clock()
    const replaces: Array<{ name: string; skeleton: string; owner: string }> = []
    let renewal = false
    const holderName = await this.names.nameOfSkeleton(skeleton)
    const holder = holderName == null ? undefined : await this.names.byName(holderName)
    if (holder != null) {
      const lapsed = holder.expiresMs + this.tuning.graceMs <= now
      if (holder.owner === caller.owner && holder.name === name) {
        renewal = true
      } else if (lapsed) {
        replaces.push(entryOf(holder))
      } else if (holder.owner === caller.owner) {
        throw new AlreadyRegisteredError(
          `you already hold "${holder.name}" here, which looks the same as "${name}"; release it first`,
        )
      } else if (holder.name === name) {
        throw new NameTakenError(`"${name}" is taken on this relay`)
      } else {
        throw new NameTakenError(
          `"${name}" is too similar to the existing name "${holder.name}"; choose another`,
        )
      }
    }
    const ownedName = await this.names.nameOfOwner(caller.owner)
    if (ownedName != null && ownedName !== name) {
      const owned = await this.names.byName(ownedName)
      if (owned != null && owned.expiresMs + this.tuning.graceMs > now) {
        throw new AlreadyRegisteredError(
          `this identity already holds "${ownedName}" on this relay; release it before claiming "${name}"`,
        )
      }
      if (owned != null && !replaces.some((entry) => entry.name === owned.name)) {
        replaces.push(entryOf(owned))
      }
    }
    return { renewal, replaces }
  }

  private async release(
    caller: Caller,
    rawName: string,
    lp: FramedStream,
  ): Promise<Partial<DirectoryResponse>> {
    this.admit(caller, 'register')
    const name = this.counted(caller, () => normalizeForm(rawName))
    const skeleton = usernameSkeleton(name)
    const held = await this.names.byName(name)
    if (held == null || held.owner !== caller.owner) {
      throw this.countFailure(
        caller,
        new NameNotFoundError(`you hold no name "${name}" on this relay`),
      )
    }
    await this.challenge(caller, name, CLAIM_ACTION_RELEASE, lp, {
      workBits: 0,
      inviteRequired: false,
    })
    const tombstone = await this.claimLocks.runExclusive(
      [`s:${skeleton}`, `o:${caller.owner}`],
      async () => {
        const current = await this.names.byName(name)
        if (current == null || current.owner !== caller.owner) {
          throw new NameNotFoundError(`you hold no name "${name}" on this relay`)
        }
        await this.names.removeName(entryOf(current))
        const now = this.clock()
        // Outranks the owner's record in the DHT until that one expires.
        return signNameRecord(this.relayKey, {
          name,
          publicKey: new Uint8Array(0),
          relayPublicKey: this.relayKey.publicKey,
          issuedMs: now,
          expiresMs: Math.max(now + 1, current.expiresMs),
        })
      },
    )
    this.log('released %s "%s"', caller.peer, name)
    void this.putInDht(name, tombstone)
    return { nameRecord: wireBytes(tombstone) }
  }

  /** Sends a challenge and checks the signed answer (and the proof of work, if asked). */
  private async challenge(
    caller: Caller,
    name: string,
    action: ClaimAction,
    lp: FramedStream,
    ask: { workBits: number; inviteRequired: boolean },
  ): Promise<ClaimAnswer> {
    const nonce = randomBytes(CHALLENGE_LENGTH)
    const signal = AbortSignal.timeout(this.tuning.claimTimeoutMs)
    await lp.write(
      DirectoryResponse.encode({
        challenge: {
          nonce: wireBytes(nonce),
          workBits: ask.workBits,
          inviteRequired: ask.inviteRequired,
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
        relayPublicKey: this.relayKey.publicKey,
        action,
        publicKey: caller.publicKey,
      })
    } catch (err) {
      throw this.countFailure(caller, err as Error)
    }
    if (!verifyWork(nonce, name, caller.publicKey, answer.workNonce, ask.workBits)) {
      throw this.countFailure(
        caller,
        new ClaimRefusedError(`the proof of work does not have ${ask.workBits} leading zero bits`),
      )
    }
    return answer
  }

  private async checkInvite(caller: Caller, code: string): Promise<string> {
    const hash = hashInvite(code)
    if (code === '' || !this.inviteHashes.has(hash)) {
      throw this.countFailure(
        caller,
        new ClaimRefusedError('registration on this relay needs a valid invite code'),
      )
    }
    return hash
  }

  private async lookup(caller: Caller, rawName: string): Promise<Partial<DirectoryResponse>> {
    this.admit(caller, 'lookup')
    const name = normalizeForm(rawName)
    const stored = await this.names.byName(name)
    const now = this.clock()
    if (stored == null || stored.expiresMs + this.tuning.graceMs <= now) {
      throw new NameNotFoundError(`no name "${name}" on this relay`)
    }
    if (stored.expiresMs <= now) {
      throw new NameExpiredError(`"${name}" expired and its owner has not renewed it`)
    }
    this.metrics.lookups.inc()
    const profile = await this.names.profileOf(stored.owner)
    return { nameRecord: wireBytes(stored.record), profile: wireBytes(profile) }
  }

  private async search(
    caller: Caller,
    rawPrefix: string,
    requested: number,
  ): Promise<Partial<DirectoryResponse>> {
    this.admit(caller, 'search')
    const prefix = rawPrefix.normalize('NFKC').toLowerCase().normalize('NFKC')
    if (
      prefix.length < MIN_SEARCH_PREFIX ||
      prefix.length > MAX_PREFIX_LENGTH ||
      !/^[a-z0-9._-]+$/.test(prefix)
    ) {
      throw new InvalidNameError(
        'character',
        `search for ${MIN_SEARCH_PREFIX} to ${MAX_PREFIX_LENGTH} characters of a-z, 0-9, _ . -`,
      )
    }
    const limit = Math.min(Math.max(1, requested || 10), MAX_SEARCH_RESULTS)
    const now = this.clock()
    const profiles = new Map<string, Uint8Array>()
    // Only owners who published a profile are listed: registering a name alone does not
    // make anyone findable by prefix.
    const found = await this.names.namesWithPrefix(
      prefix,
      limit,
      MAX_SEARCH_SCAN,
      async (stored) => {
        if (stored.expiresMs <= now) return false
        const profile = await this.names.profileOf(stored.owner)
        if (profile != null) profiles.set(stored.owner, profile)
        return profile != null
      },
    )
    this.metrics.searches.inc()
    const hits: SearchHit[] = found.map((stored) => ({
      nameRecord: wireBytes(stored.record),
      profile: wireBytes(profiles.get(stored.owner) ?? new Uint8Array(0)),
    }))
    return { search: { hits } }
  }

  private async setProfile(caller: Caller, bytes: Uint8Array): Promise<Partial<DirectoryResponse>> {
    this.admit(caller, 'update')
    let opened: ReturnType<typeof openProfile>
    try {
      opened = openProfile(bytes)
    } catch (err) {
      throw new DirectoryRequestError(`the profile does not verify: ${(err as Error).message}`)
    }
    if (!bytesEqual(opened.publicKey, caller.publicKey)) {
      throw new DirectoryRequestError('a profile must be signed by the identity that sends it')
    }
    const name = await this.names.nameOfOwner(caller.owner)
    const stored = name == null ? undefined : await this.names.byName(name)
    if (stored == null || stored.expiresMs <= this.clock()) {
      throw new NameNotFoundError('register a name on this relay before publishing a profile')
    }
    await this.names.putProfile(caller.owner, bytes)
    return { accepted: true }
  }

  // ---- sessions ----

  private async currentSession(owner: string): Promise<Session | undefined> {
    const known = this.sessions.get(owner)
    if (known != null) return known
    const stored = await this.names.announcementOf(owner)
    if (stored == null) return undefined
    const session = { counter: openSessionAnnouncement(stored).counter, announcement: stored }
    this.sessions.set(owner, session)
    return session
  }

  /**
   * Keeps only the newest announcement per identity. The stream of the newest session stays
   * open: when a newer one arrives, the older session gets a signed notice on it. An older
   * announcement (a session that was already replaced) gets the notice as its answer.
   */
  private async announce(
    caller: Caller,
    bytes: Uint8Array,
    channel: { lp: FramedStream; stream: Stream },
    signal: AbortSignal,
  ): Promise<void> {
    this.admit(caller, 'update')
    let announcement: ReturnType<typeof openSessionAnnouncement>
    try {
      announcement = openSessionAnnouncement(bytes)
    } catch (err) {
      throw new DirectoryRequestError(`the announcement does not verify: ${(err as Error).message}`)
    }
    if (!bytesEqual(announcement.publicKey, caller.publicKey)) {
      throw new DirectoryRequestError('an announcement must come from the identity it announces')
    }
    const reply = await this.claimLocks.runExclusive([`a:${caller.owner}`], async () => {
      const current = await this.currentSession(caller.owner)
      if (current != null && current.counter > announcement.counter) {
        return {
          announcement: current.announcement,
          sessionNotice: this.notice(current, announcement.counter),
        }
      }
      const previous = current?.channel
      this.sessions.set(caller.owner, {
        counter: announcement.counter,
        announcement: bytes,
        channel,
      })
      if (current == null || current.counter < announcement.counter) {
        await this.names.putAnnouncement(caller.owner, bytes)
        if (previous != null && current != null) {
          void this.tellSuperseded(
            previous,
            this.notice({ counter: announcement.counter, announcement: bytes }, current.counter),
          )
        }
      }
      return undefined
    })
    if (reply != null) {
      await channel.lp.write(
        DirectoryResponse.encode({
          announcement: wireBytes(reply.announcement),
          sessionNotice: wireBytes(reply.sessionNotice),
        }),
        { signal },
      )
      await channel.stream.close({ signal })
      return
    }
    await channel.lp.write(DirectoryResponse.encode({ accepted: true }), { signal })
    // Only live sessions stay in memory; the newest announcement is in LevelDB for later.
    channel.stream.addEventListener('close', () => {
      const session = this.sessions.get(caller.owner)
      if (session?.channel?.stream === channel.stream) this.sessions.delete(caller.owner)
    })
  }

  private notice(
    newest: Pick<Session, 'announcement' | 'counter'>,
    supersededCounter: bigint,
  ): Uint8Array {
    return signSessionNotice(this.relayKey, {
      announcement: newest.announcement,
      relayPublicKey: this.relayKey.publicKey,
      supersededCounter,
    })
  }

  private async tellSuperseded(
    channel: { lp: FramedStream; stream: Stream },
    notice: Uint8Array,
  ): Promise<void> {
    const signal = AbortSignal.timeout(this.tuning.requestTimeoutMs)
    try {
      await channel.lp.write(DirectoryResponse.encode({ sessionNotice: wireBytes(notice) }), {
        signal,
      })
      await channel.stream.close({ signal })
    } catch (err) {
      this.log('could not tell the older session it was replaced - %e', err)
      channel.stream.abort(err as Error)
    }
  }

  // ---- shared ----

  /** Applies the per-peer and per-IP buckets of `kind`, and the failure lockout for claims. */
  private admit(caller: Caller, kind: keyof typeof this.peerBuckets): void {
    if (kind === 'register') {
      const lockedFor = this.lockout.lockedFor(caller.peer)
      if (lockedFor > 0) {
        this.metrics.rejections.inc({ reason: 'locked-out' })
        throw new RateLimitedError(
          `too many failed claims from this peer: locked out for ${Math.ceil(lockedFor / 1000)} s`,
          lockedFor,
        )
      }
    }
    for (const [buckets, key] of [
      [this.peerBuckets, caller.peer],
      [this.ipBuckets, caller.ip],
    ] as const) {
      const decision = buckets[kind].take(key)
      if (!decision.allowed) {
        throw new RateLimitedError(
          `too many ${kind} requests; retry in ${Math.ceil(decision.retryAfterMs / 1000)} s`,
          decision.retryAfterMs,
        )
      }
    }
  }

  /** Runs `check`; a directory error it throws counts towards the caller's lockout. */
  private counted<T>(caller: Caller, check: () => T): T {
    try {
      return check()
    } catch (err) {
      throw this.countFailure(caller, err as Error)
    }
  }

  private async countedAsync<T>(caller: Caller, check: () => Promise<T>): Promise<T> {
    try {
      return await check()
    } catch (err) {
      throw this.countFailure(caller, err as Error)
    }
  }

  private countFailure<E extends Error>(caller: Caller, err: E): E {
    const code = (err as Partial<DirectoryError>).code
    if (code != null && LOCKOUT_COUNTED.has(code)) {
      const started = this.lockout.fail(caller.peer)
      if (started > 0)
        this.log('locked out %s for %d ms after repeated failures', caller.peer, started)
    }
    return err
  }

  /**
   * Answers a failure. A directory error leaves the stream usable (returns true); a
   * malformed message gets its answer and the stream is closed; anything else aborts it.
   */
  private async refuse(
    stream: Stream,
    lp: FramedStream,
    err: unknown,
    signal: AbortSignal,
  ): Promise<boolean> {
    if (err instanceof FramingError) {
      // The reader has reset the stream: nothing can be answered on it.
      this.log.error('reset a directory stream: %s', err.message)
      this.metrics.rejections.inc({ reason: 'framing' })
      return false
    }
    const failure = err instanceof DirectoryError ? err : undefined
    const malformed =
      (err as Error)?.name === 'MalformedMessageError' ||
      (err as Error)?.name === 'OversizedMessageError'
    if (failure == null && !malformed) {
      this.log('directory stream failed - %e', err)
      stream.abort(err as Error)
      return false
    }
    const code = failure?.code ?? 'bad-request'
    this.metrics.rejections.inc({ reason: code as RejectionReason })
    try {
      await lp.write(
        DirectoryResponse.encode({
          failure: {
            code,
            message: (err as Error).message,
            retryAfterMs: BigInt(err instanceof RateLimitedError ? err.retryAfterMs : 0),
          },
        }),
        { signal },
      )
      if (failure != null) return true
      await stream.close({ signal })
    } catch (writeErr) {
      stream.abort(writeErr as Error)
    }
    return false
  }

  private async putInDht(name: string, record: Uint8Array): Promise<void> {
    let dht: KadDHT | undefined
    try {
      dht = this.components.dht
    } catch {
      return // no DHT on this host
    }
    if (dht == null) return
    try {
      await drain(
        dht.put(nameDhtKey(this.relayKey.publicKey, name), record, {
          signal: AbortSignal.timeout(DHT_PUT_TIMEOUT_MS),
        }),
      )
      this.safeDispatchEvent('name:published', { detail: { name } })
    } catch (err) {
      this.log('could not put "%s" into the DHT - %e', name, err)
    }
  }
}

function isEndOfStream(err: unknown): boolean {
  const name = (err as Error)?.name
  return (
    isStreamEnd(err) ||
    name === 'StreamStateError' ||
    name === 'AbortError' ||
    name === 'TimeoutError'
  )
}

async function closeQuietly(stream: Stream): Promise<void> {
  try {
    await stream.close({ signal: AbortSignal.timeout(1_000) })
  } catch (err) {
    stream.abort(err as Error)
  }
}

async function readRequest(lp: FramedStream, signal: AbortSignal): Promise<DirectoryRequest> {
  const bytes = await lp.read({ signal })
  return decodeMessage(DirectoryRequest, bytes, {
    maxSize: MAX_DIRECTORY_MESSAGE_SIZE,
    what: 'directory request',
  })
}

function bucket(
  options: { capacity: number; refillPerSecond: number },
  multiplier: number,
  clock: Clock,
): KeyedRateLimiter {
  return new KeyedRateLimiter(
    {
      capacity: options.capacity * multiplier,
      refillPerSecond: options.refillPerSecond * multiplier,
    },
    clock,
  )
}

function entryOf(stored: StoredName): { name: string; skeleton: string; owner: string } {
  return { name: stored.name, skeleton: usernameSkeleton(stored.name), owner: stored.owner }
}

function hashInvite(code: string): string {
  return createHash('sha256').update(code).digest('hex')
}

function ipOf(connection: Connection): string {
  for (const component of connection.remoteAddr.getComponents()) {
    if (component.name === 'ip4' || component.name === 'ip6') return component.value ?? 'unknown'
  }
  return 'unknown'
}
