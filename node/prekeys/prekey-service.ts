/**
 * The owner's X3DH prekeys: generated, rotated, replenished, kept sealed in LevelDB and
 * published in the DHT as a record signed by the identity key; and fetching, verified, the
 * bundles others published.
 */
import type {
  AbortOptions,
  ComponentLogger,
  IdentifyResult,
  Libp2pEvents,
  Logger,
  TypedEventTarget,
} from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'
import { TypedEventEmitter } from 'main-event'
import { bytesEqual, toHex } from '../../protocol/bytes.ts'
import { checkLength, ED25519_PUBLIC_KEY_LENGTH } from '../../protocol/crypto/index.ts'
import { DHT_PROTOCOL } from '../../protocol/ids.ts'
import { MAX_PUBLISHED_ONE_TIME_PREKEYS } from '../../protocol/limits.ts'
import {
  createPrekeyRecord,
  type OpenedPrekeyRecord,
  PREKEY_BUNDLE_MAX_TTL_MS,
  prekeysDhtKey,
  validatePrekeyRecord,
} from '../../protocol/prekey-records.ts'
import {
  generateOneTimePrekeys,
  generateSignedPrekey,
  type OneTimePrekey,
  type PrekeyBundle,
  type SignedPrekey,
} from '../../protocol/session/index.ts'
import type { Identity } from '../identity/index.ts'
import { getRecords, type PutOutcome, putRecord } from '../mailbox/dht-records.ts'
import { ServiceLifecycle } from '../service-lifecycle.ts'
import type { AppLevel } from '../storage.ts'
import { PrekeyBundleNotFoundError, PrekeyServiceNotStartedError } from './errors.ts'
import { PrekeyStore } from './prekey-store.ts'

const DAY_MS = 24 * 60 * 60_000

export interface PrekeyServiceComponents {
  /** Its events tell when a DHT server is identified, so an unconfirmed bundle goes out then. */
  host: TypedEventTarget<Libp2pEvents> & { services: { dht: KadDHT }; logger: ComponentLogger }
  identity: Identity
  /** The service's own sublevel of the node's LevelDB. */
  store: AppLevel
}

export interface PrekeyServiceInit {
  /** One-time prekeys kept on hand; refilled to this many. @default 20 */
  oneTimePrekeys?: number
  /** Refill when fewer than this many are left. @default 5 */
  replenishBelow?: number
  /** One-time prekeys listed in each published bundle, picked at random among the unused. @default 10 */
  publishedOneTimePrekeys?: number
  /** A new signed prekey after this long. @default 7 days */
  signedPrekeyRotationMs?: number
  /** A replaced signed prekey still accepts session starts for this long. @default 14 days */
  signedPrekeyGraceMs?: number
  /** Life of a published bundle, at most PREKEY_BUNDLE_MAX_TTL_MS. @default 7 days */
  bundleTtlMs?: number
  /**
   * Key maintenance and republishing, also run on start; 0 turns the loop off. kad-dht
   * peers drop a record 48 hours after receiving it, so keep this well under that.
   * @default 3_600_000 (1 hour)
   */
  republishIntervalMs?: number
  /** Republish this long after a one-time prekey was taken, so it leaves the bundle. @default 1_000 */
  republishAfterUseMs?: number
  /**
   * While no DHT peer has confirmed the bundle, publish this long after a DHT server is
   * identified or the routing table stops being empty (a burst of them makes one publish);
   * a publish that still reaches nobody is retried, the delay doubling up to a minute.
   * @default 200
   */
  publishOnDhtPeerMs?: number
  /** Longest wait for one DHT query. @default 30_000 */
  queryTimeoutMs?: number
  /** @default Date.now */
  clock?: () => number
}

export interface PublishResult {
  confirmed: number
  total: number
  signedPrekeyId: number
  oneTimePrekeyIds: number[]
}

export interface PrekeyServiceEvents {
  'prekeys:published': CustomEvent<PublishResult>
}

const DEFAULTS = {
  oneTimePrekeys: 20,
  replenishBelow: 5,
  publishedOneTimePrekeys: 10,
  signedPrekeyRotationMs: 7 * DAY_MS,
  signedPrekeyGraceMs: 14 * DAY_MS,
  bundleTtlMs: 7 * DAY_MS,
  republishIntervalMs: 60 * 60_000,
  republishAfterUseMs: 1_000,
  publishOnDhtPeerMs: 200,
  queryTimeoutMs: 30_000,
}

/** What the service watches of kad-dht's routing table: `peer:add` events and its size. */
interface RoutingTableView extends EventTarget {
  readonly size: number
}

/** Longest wait between publishes that reached no DHT peer while one seemed reachable. */
const MAX_UNCONFIRMED_RETRY_MS = 60_000

/**
 * A DHT record is public and cannot hand each one-time prekey to one initiator only, as
 * Signal's server does: two initiators may pick the same one. The owner accepts the first
 * session start that uses it (deleting it with that session's commit) and no other; see
 * doc/mailbox.md for what the second initiator sees.
 */
export class PrekeyService extends TypedEventEmitter<PrekeyServiceEvents> {
  readonly #dht: KadDHT
  readonly #identity: Identity
  readonly #store: PrekeyStore
  readonly #log: Logger
  readonly #options: typeof DEFAULTS
  readonly #clock: () => number
  #timer?: NodeJS.Timeout
  #republishSoon?: NodeJS.Timeout
  readonly #lifecycle = new ServiceLifecycle(() => new PrekeyServiceNotStartedError())
  readonly #host: PrekeyServiceComponents['host']
  /**
   * True until a DHT peer confirms a publish: a node publishes as it starts, usually before
   * any DHT server is connected, and nobody could start a session with it until the next
   * publish reaches one.
   */
  #unconfirmed = true
  #unconfirmedRetryMs: number
  /** Publishes under way; one that ends unconfirmed schedules the next itself. */
  #publishing = 0
  readonly #onIdentify = (event: CustomEvent<IdentifyResult>) => {
    if (this.#publishing > 0 || !this.#unconfirmed) return
    if (event.detail.protocols.includes(DHT_PROTOCOL)) {
      this.#log('DHT server %p identified; publishing our unconfirmed bundle', event.detail.peerId)
      this.#scheduleRepublish(this.#options.publishOnDhtPeerMs)
    }
  }
  readonly #onRoutingTableAdd = () => {
    // From empty to one peer: whatever we published may be unreachable from here.
    if (this.#routingTableSize() === 1 || (this.#unconfirmed && this.#publishing === 0)) {
      this.#log('DHT routing table gained a peer; publishing our bundle')
      this.#scheduleRepublish(this.#options.publishOnDhtPeerMs)
    }
  }

  constructor(components: PrekeyServiceComponents, init: PrekeyServiceInit = {}) {
    super()
    this.#host = components.host
    this.#dht = components.host.services.dht
    this.#identity = components.identity
    this.#store = new PrekeyStore(components.store, components.identity)
    this.#log = components.host.logger.forComponent('tokenim:prekeys')
    const { clock, ...rest } = init
    this.#options = {
      ...DEFAULTS,
      ...Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined)),
    }
    this.#clock = clock ?? Date.now
    this.#unconfirmedRetryMs = this.#options.publishOnDhtPeerMs
    const { bundleTtlMs, publishedOneTimePrekeys, oneTimePrekeys, replenishBelow } = this.#options
    if (bundleTtlMs <= 0 || bundleTtlMs > PREKEY_BUNDLE_MAX_TTL_MS) {
      throw new RangeError(`bundleTtlMs must be 1..${PREKEY_BUNDLE_MAX_TTL_MS}, got ${bundleTtlMs}`)
    }
    if (publishedOneTimePrekeys > MAX_PUBLISHED_ONE_TIME_PREKEYS) {
      throw new RangeError(
        `publishedOneTimePrekeys must be at most ${MAX_PUBLISHED_ONE_TIME_PREKEYS}, got ${publishedOneTimePrekeys}`,
      )
    }
    if (replenishBelow > oneTimePrekeys) {
      throw new RangeError('replenishBelow cannot exceed oneTimePrekeys')
    }
  }

  get running(): boolean {
    return this.#lifecycle.running
  }

  /**
   * Makes sure a current signed prekey and enough one-time prekeys exist, then publishes
   * (in the background) and keeps doing both every `republishIntervalMs`.
   */
  async start(): Promise<void> {
    if (!this.#lifecycle.start()) return
    await this.#lifecycle.exclusive(() => this.#maintainKeys())
    if (this.#options.republishIntervalMs <= 0) return
    this.#host.addEventListener('peer:identify', this.#onIdentify)
    this.#routingTable()?.addEventListener('peer:add', this.#onRoutingTableAdd)
    const loop = async () => {
      try {
        await this.publish()
      } catch (err) {
        if (this.running) this.#log.error('publishing prekeys failed: %e', err)
      }
      if (this.running) this.#timer = setTimeout(loop, this.#options.republishIntervalMs)
    }
    void loop()
  }

  async stop(): Promise<void> {
    await this.#lifecycle.stop(() => {
      this.#host.removeEventListener('peer:identify', this.#onIdentify)
      this.#routingTable()?.removeEventListener('peer:add', this.#onRoutingTableAdd)
      clearTimeout(this.#timer)
      clearTimeout(this.#republishSoon)
    })
  }

  /** Rotates and refills keys as due, then puts the bundle in the DHT. */
  publish(options: AbortOptions = {}): Promise<PublishResult> {
    return this.#lifecycle.track(async () => {
      this.#publishing++
      try {
        return await this.#publishOnce(options)
      } finally {
        this.#publishing--
      }
    })
  }

  async #publishOnce(options: AbortOptions): Promise<PublishResult> {
    const { record, signedPrekeyId, oneTimePrekeyIds } = await this.#lifecycle.exclusive(
      async () => {
        await this.#maintainKeys()
        return this.#bundleRecord()
      },
    )
    const outcome: PutOutcome = await putRecord(
      this.#dht,
      prekeysDhtKey(this.#identity.publicKey),
      record,
      { signal: this.#lifecycle.signal(options), timeoutMs: this.#options.queryTimeoutMs },
    )
    const result = {
      confirmed: outcome.confirmed,
      total: outcome.total,
      signedPrekeyId,
      oneTimePrekeyIds,
    }
    this.#afterPublish(outcome)
    this.safeDispatchEvent('prekeys:published', { detail: result })
    return result
  }

  /**
   * The bundle `peerPublicKey` published, checked: stored under that key's hash, signed by
   * that key, its signed prekey signed by it, not expired. Carries one of the listed
   * one-time prekeys, picked at random, or none if the list is empty. Throws
   * PrekeyBundleNotFoundError when the DHT holds no valid bundle for the peer.
   */
  fetchBundle(peerPublicKey: Uint8Array, options: AbortOptions = {}): Promise<PrekeyBundle> {
    return this.#lifecycle.track(async () => {
      checkLength(peerPublicKey, ED25519_PUBLIC_KEY_LENGTH, 'peer public key')
      const key = prekeysDhtKey(peerPublicKey)
      const { answers, best } = await getRecords(this.#dht, key, {
        signal: this.#lifecycle.signal(options),
        timeoutMs: this.#options.queryTimeoutMs,
      })
      const now = this.#clock()
      let newest: OpenedPrekeyRecord | undefined
      for (const value of [
        ...answers.map((answer) => answer.value),
        ...(best == null ? [] : [best]),
      ]) {
        let opened: OpenedPrekeyRecord
        try {
          opened = validatePrekeyRecord(key, value, now)
        } catch {
          continue
        }
        if (!bytesEqual(opened.identityKey, peerPublicKey)) continue
        if (newest == null || opened.published.publishedMs > newest.published.publishedMs) {
          newest = opened
        }
      }
      if (newest?.published.signedPrekey == null) {
        throw new PrekeyBundleNotFoundError(toHex(peerPublicKey))
      }
      const { signedPrekey, oneTimePrekeys } = newest.published
      const bundle: PrekeyBundle = {
        identityKey: Uint8Array.from(peerPublicKey),
        signedPrekey: {
          id: signedPrekey.id,
          publicKey: Uint8Array.from(signedPrekey.publicKey),
          signature: Uint8Array.from(signedPrekey.signature),
        },
      }
      if (oneTimePrekeys.length > 0) {
        const picked = oneTimePrekeys[Math.floor(Math.random() * oneTimePrekeys.length)]
        bundle.oneTimePrekey = { id: picked.id, publicKey: Uint8Array.from(picked.publicKey) }
      }
      return bundle
    })
  }

  /** Our signed prekey `id`, if it is current or still within its grace period. */
  async signedPrekey(id: number): Promise<SignedPrekey | undefined> {
    const stored = await this.#store.signedPrekey(id)
    if (stored == null) return undefined
    if (
      stored.retiredMs != null &&
      this.#clock() - stored.retiredMs > this.#options.signedPrekeyGraceMs
    ) {
      return undefined
    }
    return stored.prekey
  }

  /**
   * Our one-time prekey `id`, left in place: it is deleted by `deleteOneTimePrekeyOp`, in the
   * same write as the session its start created, so a forged start cannot burn it and a crash
   * cannot leave a used one on disk.
   */
  peekOneTimePrekey(id: number): Promise<OneTimePrekey | undefined> {
    return this.#store.oneTimePrekey(id)
  }

  /**
   * The batch operation that deletes one-time prekey `id` (a `del` on this service's sublevel,
   * for a batch on another sublevel of the same database). Call `oneTimePrekeyDeleted` once
   * the batch is committed.
   */
  deleteOneTimePrekeyOp(id: number): { type: 'del'; key: string; sublevel: AppLevel } {
    return this.#store.deleteOneTimePrekeyOp(id)
  }

  /** A one-time prekey was deleted: the bundle is republished shortly without it. */
  oneTimePrekeyDeleted(): void {
    this.#scheduleRepublish(this.#options.republishAfterUseMs)
  }

  /** Unused one-time prekeys on hand. */
  async oneTimePrekeyCount(): Promise<number> {
    return (await this.#store.oneTimePrekeys()).length
  }

  /** Rotates the signed prekey when due, drops those past grace, refills one-time prekeys. */
  async #maintainKeys(): Promise<void> {
    const now = this.#clock()
    const meta = await this.#store.meta()
    const current =
      meta.currentSignedPrekeyId == null
        ? undefined
        : await this.#store.signedPrekey(meta.currentSignedPrekeyId)
    if (current == null || now - current.createdMs >= this.#options.signedPrekeyRotationMs) {
      const id = meta.nextSignedPrekeyId
      const prekey = generateSignedPrekey(this.#identity, id)
      if (current != null) await this.#store.putSignedPrekey({ ...current, retiredMs: now })
      meta.currentSignedPrekeyId = id
      meta.nextSignedPrekeyId = id + 1
      await this.#store.putSignedPrekey({ prekey, createdMs: now }, meta)
      this.#log('rotated to signed prekey %d', id)
    }
    for (const stored of await this.#store.signedPrekeys()) {
      if (stored.retiredMs != null && now - stored.retiredMs > this.#options.signedPrekeyGraceMs) {
        await this.#store.deleteSignedPrekey(stored.prekey.id)
      }
    }
    const unused = (await this.#store.oneTimePrekeys()).length
    if (unused < this.#options.replenishBelow) {
      const fresh = await this.#store.meta()
      const count = this.#options.oneTimePrekeys - unused
      const prekeys = generateOneTimePrekeys(count, fresh.nextOneTimePrekeyId)
      await this.#store.addOneTimePrekeys(prekeys, {
        ...fresh,
        nextOneTimePrekeyId: fresh.nextOneTimePrekeyId + count,
      })
    }
  }

  async #bundleRecord(): Promise<{
    record: Uint8Array
    signedPrekeyId: number
    oneTimePrekeyIds: number[]
  }> {
    const meta = await this.#store.meta()
    const current = await this.#store.signedPrekey(meta.currentSignedPrekeyId!)
    if (current == null) throw new Error('no current signed prekey after key maintenance')
    const oneTime = shuffle(await this.#store.oneTimePrekeys()).slice(
      0,
      this.#options.publishedOneTimePrekeys,
    )
    const now = this.#clock()
    const record = createPrekeyRecord(this.#identity, {
      signedPrekey: {
        id: current.prekey.id,
        publicKey: current.prekey.keyPair.publicKey,
        signature: current.prekey.signature,
      },
      oneTimePrekeys: oneTime.map(({ id, keyPair }) => ({ id, publicKey: keyPair.publicKey })),
      publishedMs: now,
      expiresMs: now + this.#options.bundleTtlMs,
    })
    return { record, signedPrekeyId: current.prekey.id, oneTimePrekeyIds: oneTime.map((p) => p.id) }
  }

  /**
   * True once a DHT peer confirmed our latest publish: strangers can fetch the bundle and
   * start a session with us while we are offline. `prekeys:published` tells of each change.
   */
  get bundleConfirmed(): boolean {
    return !this.#unconfirmed
  }

  /** One publish `delayMs` from now, unless one is already due. */
  #scheduleRepublish(delayMs: number): void {
    if (!this.running || this.#republishSoon != null) return
    this.#republishSoon = setTimeout(() => {
      this.#republishSoon = undefined
      this.publish().catch((err) => {
        if (this.running) this.#log.error('republishing prekeys failed: %e', err)
      })
    }, delayMs)
  }

  /** Keeps trying, with backoff, while DHT peers are known but none took the bundle. */
  #afterPublish({ confirmed, total }: PutOutcome): void {
    this.#unconfirmed = confirmed === 0
    if (!this.#unconfirmed) {
      this.#unconfirmedRetryMs = this.#options.publishOnDhtPeerMs
      return
    }
    if (this.#options.republishIntervalMs <= 0 || this.#routingTableSize() === 0) return
    const delay = this.#unconfirmedRetryMs
    this.#unconfirmedRetryMs = Math.min(delay * 2, MAX_UNCONFIRMED_RETRY_MS)
    this.#log(
      'no DHT peer took our prekey bundle (offered to %d); publishing again in %d ms',
      total,
      delay,
    )
    this.#scheduleRepublish(delay)
  }

  /** kad-dht's routing table, which its KadDHT interface does not show. */
  #routingTable(): RoutingTableView | undefined {
    return (this.#dht as { routingTable?: RoutingTableView }).routingTable
  }

  #routingTableSize(): number {
    return this.#routingTable()?.size ?? 0
  }
}

function shuffle<T>(items: T[]): T[] {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    ;[out[i], out[j]] = [out[j], out[i]]
  }
  return out
}
