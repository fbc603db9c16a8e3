/**
 * The relay side of `/tokenim/directory/1.0.0`: registers, renews and releases names after
 * a signed challenge, answers lookups and searches, keeps profiles, and tracks the newest
 * session announcement of each identity, telling an older session that it was replaced.
 *
 * This file is the glue: it owns the lifecycle (protocol handler, republish timer), builds
 * the parts once and routes each request to one of them:
 *   request-stream.ts   the stream loop: deadlines, one answer per request, refusals
 *   admission.ts        per-peer and per-IP rate limits, the failed-claim lockout
 *   name-claims.ts      register, renew, release (claim-rules.ts decides who may hold a name)
 *   name-moves.ts       a name follows its owner's key rotation
 *   name-queries.ts     lookups, prefix search, profiles
 *   session-tracker.ts  the newest session of each identity
 *   signup/             what a claimant must verify first (e-mail or phone code, OpenID)
 *   name-store.ts       persistence, synced before any answer leaves
 * Every record the relay signs is put into the DHT (and again every
 * `republishIntervalMs`), so lookups survive the relay going down.
 */
import type { ComponentLogger, Logger, PrivateKey, Startable, Stream } from '@libp2p/interface'
import type { Registrar } from '@libp2p/interface-internal'
import type { KadDHT } from '@libp2p/kad-dht'
import type { Datastore } from 'interface-datastore'
import drain from 'it-drain'
import { TypedEventEmitter } from 'main-event'
import type { Registry } from 'prom-client'
import { storedDhtValue } from '../../network/dht-rules/validators.ts'
import { FramedStream, streamCounts } from '../../network/index.ts'
import type { AppLevel } from '../../node/index.ts'
import { ServiceLifecycle } from '../../node/index.ts'
import {
  deviceListDhtKey,
  type OpenedDeviceList,
  validateDeviceListRecord,
} from '../../protocol/accounts/index.ts'
import type { Ed25519KeyPair } from '../../protocol/crypto/index.ts'
import { nameDhtKey } from '../../protocol/directory.ts'
import { DirectoryRequestError } from '../../protocol/directory-errors.ts'
import { DIRECTORY_PROTOCOL } from '../../protocol/ids.ts'
import { DIRECTORY_STREAM_LIMITS } from '../../protocol/limits.ts'
import type { DirectoryRequest, DirectoryResponse } from '../../protocol/proto/directory.ts'
import { DirectoryServerStoppedError } from '../errors.ts'
import { Admission } from './admission.ts'
import { type Caller, callerOf } from './caller.ts'
import {
  DEFAULT_DIRECTORY_POLICY,
  type DirectoryPolicy,
  type DirectoryTuning,
  resolveLimits,
} from './config.ts'
import { type IceServerOffer, iceServersFor } from './ice-servers.ts'
import { KeyedMutex } from './keyed-mutex.ts'
import { DirectoryMetrics } from './metrics.ts'
import { type NameChange, NameClaims } from './name-claims.ts'
import { NameMoves } from './name-moves.ts'
import { NameQueries } from './name-queries.ts'
import { NameStore } from './name-store.ts'
import type { Clock } from './rate-limiter.ts'
import { serveRequests } from './request-stream.ts'
import { SessionTracker } from './session-tracker.ts'
import { type SignupSetup, SignupVerifier } from './signup/index.ts'

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
  /** Sign-up verifications required before a new name is granted (loadSignupSetup). */
  signup?: SignupSetup
  /** STUN and TURN servers offered to nodes for calls (relay.yaml `turn:`). @default none */
  iceServers?: IceServerOffer
}

export interface DirectoryServerComponents {
  registrar: Registrar
  privateKey: PrivateKey
  logger: ComponentLogger
  /** libp2p's datastore, where this relay keeps what it holds as a DHT server. */
  datastore?: Datastore
}

const DHT_PUT_TIMEOUT_MS = 30_000
/** How long a recovery move waits for the account's device list from the DHT. */
const DEVICE_LIST_LOOKUP_TIMEOUT_MS = 4_000

export interface DirectoryServerEvents {
  /** A name's record (new, renewed or released) reached the DHT. */
  'name:published': CustomEvent<{ name: string }>
  /** A name was registered, renewed, released or moved to a rotated key. */
  'name:changed': CustomEvent<NameChange & { name: string }>
  /** The recovery commitment of a name's account was pinned (name-moves.ts). */
  'name:pinned': CustomEvent<{ name: string; owner: string }>
}

export class DirectoryServer extends TypedEventEmitter<DirectoryServerEvents> implements Startable {
  readonly metrics: DirectoryMetrics
  private readonly components: DirectoryServerComponents & Partial<Record<'dht', KadDHT>>
  private readonly log: Logger
  private readonly names: NameStore
  private readonly requestTimeoutMs: number
  private readonly republishIntervalMs: number
  private readonly clock: Clock
  private readonly relayKey: Ed25519KeyPair
  private readonly claims: NameClaims
  private readonly moves: NameMoves
  private readonly queries: NameQueries
  private readonly sessions: SessionTracker
  private readonly admission: Admission
  private readonly policy: DirectoryPolicy
  private readonly signup?: SignupVerifier
  private readonly iceServers: IceServerOffer
  private republishTimer?: NodeJS.Timeout
  private readonly lifecycle = new ServiceLifecycle(
    () => new DirectoryServerStoppedError('the username directory is stopped'),
  )

  constructor(components: DirectoryServerComponents, init: DirectoryServerInit) {
    super()
    this.components = components
    this.log = components.logger.forComponent('tokenim:directory')
    this.names = new NameStore(init.store)
    const policy = init.policy ?? DEFAULT_DIRECTORY_POLICY
    const tuning = init.tuning ?? {}
    this.requestTimeoutMs = tuning.requestTimeoutMs ?? 10_000
    this.republishIntervalMs = tuning.republishIntervalMs ?? 6 * 3_600_000
    const graceMs = policy.graceTtl ?? Math.min(30 * 86_400_000, policy.nameTtl)
    this.clock = init.clock ?? Date.now
    this.metrics = new DirectoryMetrics(init.registry)
    this.metrics.observeNames(() => this.names.count())
    const key = components.privateKey
    if (key.type !== 'Ed25519') throw new TypeError('the directory needs an Ed25519 relay key')
    this.relayKey = { privateKey: key.raw.subarray(0, 32), publicKey: key.publicKey.raw }
    const { clock, log, metrics, names, relayKey } = this
    const admission = new Admission(resolveLimits(policy), policy.lockout, { clock, metrics, log })
    this.admission = admission
    this.policy = policy
    this.iceServers = init.iceServers ?? { urls: [], credentialTtlMs: 0 }
    this.signup =
      init.signup == null
        ? undefined
        : new SignupVerifier(init.signup, {
            log: components.logger.forComponent('tokenim:signup'),
            metrics,
            clock,
          })
    const locks = new KeyedMutex()
    this.claims = new NameClaims({
      names,
      relayKey,
      policy,
      graceMs,
      claimTimeoutMs: tuning.claimTimeoutMs ?? 60_000,
      admission,
      locks,
      clock,
      metrics,
      log,
      signup: this.signup,
      publish: (name, record, change) => this.nameChanged(name, record, change),
      claimed: (name, owner) => {
        void this.moves.pin(name, owner).catch((err) => {
          this.log.error('pinning the commitment of "%s" failed - %e', name, err)
        })
      },
    })
    this.moves = new NameMoves({
      names,
      relayKey,
      graceMs,
      admission,
      locks,
      clock,
      log,
      commitmentOf: (account) => this.deviceListCommitment(account),
      pinned: (name, owner) => this.safeDispatchEvent('name:pinned', { detail: { name, owner } }),
      publish: (name, record, change) => this.nameChanged(name, record, change),
    })
    this.queries = new NameQueries({ names, graceMs, admission, clock, metrics })
    this.sessions = new SessionTracker({
      names,
      relayKey,
      admission,
      locks,
      requestTimeoutMs: this.requestTimeoutMs,
      log,
    })
  }

  readonly [Symbol.toStringTag] = 'tokenim:directory'

  /** A name's new record: told to listeners, put into the DHT in the background. */
  private nameChanged(name: string, record: Uint8Array, change: NameChange): void {
    this.safeDispatchEvent('name:changed', { detail: { name, ...change } })
    void this.putInDht(name, record)
  }

  /** Where an OpenID sign-up login returns browsers, when the relay requires one (once started). */
  get signupCallbackUrl(): string | undefined {
    return this.signup?.oidcCallbackUrl
  }

  /** The relay's public key: the scope of every name it issues. */
  get relayPublicKey(): Uint8Array {
    return this.relayKey.publicKey
  }

  async start(): Promise<void> {
    await this.signup?.start()
    await this.components.registrar.handle(
      DIRECTORY_PROTOCOL,
      (stream, connection) => {
        const caller = callerOf(connection)
        if (caller == null) {
          stream.abort(new Error('the directory serves Ed25519 identities only'))
          return
        }
        void this.serve(stream, caller)
      },
      streamCounts(DIRECTORY_STREAM_LIMITS),
    )
    this.lifecycle.start()
    const republish = () => {
      void this.republish().catch((err) => this.log.error('republishing names failed - %e', err))
    }
    this.republishTimer = setInterval(republish, this.republishIntervalMs)
    this.republishTimer.unref()
  }

  async stop(): Promise<void> {
    await this.lifecycle.stop(() => clearInterval(this.republishTimer))
    await this.components.registrar.unhandle(DIRECTORY_PROTOCOL)
    this.sessions.closeAll(new Error('relay stopping'))
    await this.signup?.stop()
  }

  isStarted(): boolean {
    return this.lifecycle.running
  }

  /** Puts every live name into the DHT again (DHT peers forget records after a day or so). */
  async republish(): Promise<number> {
    let count = 0
    for await (const stored of this.names.all()) {
      if (!this.lifecycle.running) break
      if (stored.expiresMs <= this.clock()) continue
      await this.putInDht(stored.name, stored.record)
      count++
    }
    return count
  }

  private async serve(stream: Stream, caller: Caller): Promise<void> {
    const lp = new FramedStream(stream, { limits: DIRECTORY_STREAM_LIMITS })
    await serveRequests(
      stream,
      lp,
      {
        dispatch: (request) => this.dispatch(caller, request, lp),
        announce: (bytes, signal) => this.sessions.announce(caller, bytes, { lp, stream }, signal),
      },
      { requestTimeoutMs: this.requestTimeoutMs, log: this.log, metrics: this.metrics },
    )
  }

  private async dispatch(
    caller: Caller,
    request: DirectoryRequest,
    lp: FramedStream,
  ): Promise<Partial<DirectoryResponse>> {
    if (request.register != null) return this.claims.register(caller, request.register.name, lp)
    if (request.release != null) return this.claims.release(caller, request.release.name, lp)
    if (request.move != null) {
      return this.moves.move(caller, request.move.rotations, request.move.recoveries)
    }
    if (request.lookup != null) return this.queries.lookup(caller, request.lookup.name)
    if (request.search != null) {
      return this.queries.search(caller, request.search.prefix, request.search.limit)
    }
    if (request.profile != null) return this.queries.setProfile(caller, request.profile)
    if (request.signupPolicy != null) {
      this.admission.admit(caller, 'lookup')
      return { signupPolicy: this.signupPolicy() }
    }
    if (request.iceServers != null) {
      this.admission.admit(caller, 'lookup')
      return { iceServers: iceServersFor(this.iceServers, caller.peer, this.clock()) }
    }
    if (request.verify != null) {
      // Sending a code costs the operator: it is paced like a registration.
      this.admission.admit(caller, 'register')
      const { method, address } = request.verify
      return { verification: await this.verifier().begin(caller, method, address) }
    }
    if (request.verification != null) {
      this.admission.admit(caller, 'lookup')
      return { verification: this.verifier().status(caller, request.verification.id) }
    }
    throw new DirectoryRequestError('the request names no directory operation')
  }

  private signupPolicy() {
    const { policy, signup } = this
    return {
      methods: signup?.methods ?? [],
      codeLength: signup?.codeLength ?? 0,
      oidcProvider: signup?.providerName ?? '',
      inviteRequired: policy.registration === 'invite',
      workBits: policy.registration === 'pow' ? policy.powDifficulty : 0,
    }
  }

  private verifier(): SignupVerifier {
    if (this.signup == null) {
      throw new DirectoryRequestError('this relay needs no sign-up verification: register directly')
    }
    return this.signup
  }

  /**
   * The commitment the account's device list in the DHT carries (the highest valid version
   * among the copy this relay holds as a DHT server and what other holders answer within
   * DEVICE_LIST_LOOKUP_TIMEOUT_MS), for a name move that carries a recovery.
   */
  private async deviceListCommitment(account: Uint8Array): Promise<Uint8Array | undefined> {
    const key = deviceListDhtKey(account)
    const values: Uint8Array[] = []
    const held = this.components.datastore
    const local = held == null ? undefined : await storedDhtValue(held, key)
    if (local != null) values.push(local)
    const dht = this.optionalDht()
    if (dht != null) {
      const signal = AbortSignal.timeout(DEVICE_LIST_LOOKUP_TIMEOUT_MS)
      try {
        for await (const event of dht.get(key, { signal })) {
          if (event.name === 'PEER_RESPONSE' && event.record != null)
            values.push(event.record.value)
          if (event.name === 'VALUE') values.push(event.value)
        }
      } catch (err) {
        if (!signal.aborted) throw err
      }
    }
    let best: OpenedDeviceList | undefined
    for (const value of values) {
      try {
        const list = validateDeviceListRecord(key, value)
        if (best == null || list.version > best.version) best = list
      } catch {
        // A holder answering with what does not validate is skipped.
      }
    }
    return best == null || best.nextRecovery.length === 0 ? undefined : best.nextRecovery
  }

  private optionalDht(): KadDHT | undefined {
    try {
      return this.components.dht
    } catch {
      return undefined // no DHT on this host
    }
  }

  private async putInDht(name: string, record: Uint8Array): Promise<void> {
    const dht = this.optionalDht()
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
