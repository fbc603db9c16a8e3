/**
 * The node's username directory component: registers and renews this identity's names,
 * resolves other people's (from the relay, or from the DHT when the relay is down),
 * publishes the optional profile, and guards the single active session. It is what the
 * local API's `/v1/directory/*` routes call.
 *
 * Which relays: the one named in a request, else those this node holds names on, then the
 * relays it is configured with, then every peer it has seen offering the directory
 * protocol, in that order. An unscoped name (`alice`) resolves on the first relay that
 * knows it; `alice@<relay peer id>` only on that relay.
 *
 * This node's own names are stored by own-registrations.ts and renewed here before they
 * expire (a third of their lifetime before, by default).
 */

import { publicKeyFromRaw } from '@libp2p/crypto/keys'
import type { AbortOptions, Libp2p, Logger, PeerId } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'
import { peerIdFromPublicKey, peerIdFromString } from '@libp2p/peer-id'
import { CODE_P2P, type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import { TypedEventEmitter } from 'main-event'
import { toHex } from '../../protocol/bytes.ts'
import type { IceServer } from '../../protocol/calls.ts'
import type { Ed25519KeyPair } from '../../protocol/crypto/index.ts'
import {
  isReleasedRecord,
  type NameRecordFields,
  nameDhtKey,
  openNameRecord,
  type ProfileFields,
  selectNameRecord,
} from '../../protocol/directory.ts'
import {
  DirectoryError,
  DirectoryRequestError,
  DirectoryUnavailableError,
  NameExpiredError,
  NameNotFoundError,
} from '../../protocol/directory-errors.ts'
import { DIRECTORY_PROTOCOL } from '../../protocol/ids.ts'
import type { LookupView, NameView, ProfileView, SearchView } from '../../protocol/local-api.ts'
import { normalizeForm } from '../../protocol/username.ts'
import { ServiceLifecycle } from '../service-lifecycle.ts'
import type { AppLevel } from '../storage.ts'
import { DirectoryClient, type RelayTarget, relayKeyOf } from './directory-client.ts'
import { DirectoryStoppedError } from './errors.ts'
import {
  type MovedNames,
  moveOwnNames,
  type NameMoverPorts,
  resumeNameMoves,
} from './name-moves.ts'
import { OwnRegistrations } from './own-registrations.ts'
import { SessionGuard, type SignedInElsewhere } from './session-guard.ts'
import { SignupSteps, verificationId } from './signup-steps.ts'

export interface NodeDirectoryInit {
  host: Libp2p<{
    dht: KadDHT
    pubsub?: { publish(topic: string, data: Uint8Array): Promise<unknown> }
  }>
  identity: Ed25519KeyPair
  /** The node's `directory` sublevel. */
  store: AppLevel
  log: Logger
  /** Relays to prefer (multiaddrs ending in /p2p/<id>), e.g. the node's configured relays. */
  relays?: string[]
  /** Called once when a newer session of this identity announced itself. */
  onSignedInElsewhere(info: SignedInElsewhere): void
  /** Renew when less than this share of a name's lifetime is left. @default 1/3 */
  renewFraction?: number
  /** @default Date.now */
  clock?: () => number
  /** A relay request. @default 5000 */
  relayTimeoutMs?: number
}

const DHT_TIMEOUT_MS = 15_000
const MIN_RENEW_RETRY_MS = 1_000

export interface NodeDirectoryEvents {
  /** A name of this node was renewed before it expired. */
  'name:renewed': CustomEvent<NameView>
}

export class NodeDirectory extends TypedEventEmitter<NodeDirectoryEvents> {
  readonly session: SessionGuard
  /** A relay's sign-up policy and the verifications it asks for. */
  readonly signup: SignupSteps
  private readonly init: NodeDirectoryInit
  private readonly client: DirectoryClient
  private readonly registrations: OwnRegistrations
  private readonly clock: () => number
  private readonly renewTimers = new Map<string, NodeJS.Timeout>()
  private readonly lifecycle = new ServiceLifecycle(
    () => new DirectoryStoppedError('the directory is stopped'),
  )

  constructor(init: NodeDirectoryInit) {
    super()
    this.init = init
    this.clock = init.clock ?? Date.now
    this.client = new DirectoryClient({
      host: init.host,
      identity: init.identity,
      timeoutMs: init.relayTimeoutMs ?? 5_000,
    })
    this.registrations = new OwnRegistrations(init.store, init.host.peerStore, init.log)
    this.signup = new SignupSteps(this.client, (named) => this.pickRelay(named))
    this.session = new SessionGuard({
      host: init.host,
      identity: init.identity,
      store: init.store,
      log: init.log,
      clock: init.clock,
      onSignedInElsewhere: init.onSignedInElsewhere,
    })
  }

  async start(): Promise<void> {
    if (!this.lifecycle.start()) return
    for (const { relay, record, addresses } of await this.registrations.own()) {
      await this.rememberAddresses(relay, addresses)
      this.scheduleRenewal(relay, record)
    }
    await this.session.start()
    void resumeNameMoves(this.moverPorts())
  }

  /**
   * After a key rotation or recovery: moves our names on every relay where an earlier key
   * holds them to the current key; `rotations` (and `recoveries`) are the account's
   * statements from its first key.
   */
  async moveNames(rotations: Uint8Array[], recoveries: Uint8Array[] = []): Promise<MovedNames> {
    return moveOwnNames(this.moverPorts(), { rotations, recoveries })
  }

  private moverPorts(): NameMoverPorts {
    return {
      client: this.client,
      store: this.init.store,
      log: this.init.log,
      ownNames: () => this.registrations.own(),
      save: async (relay, record) => {
        await this.registrations.save(relay, record.record)
        this.scheduleRenewal(relay.peerId.toString(), record)
      },
    }
  }

  async stop(): Promise<void> {
    await this.lifecycle.stop(() => {
      for (const timer of this.renewTimers.values()) clearTimeout(timer)
      this.renewTimers.clear()
    })
    await this.session.stop()
    await this.client.close()
  }

  /** Registers (or renews) `name` on `relay`, or on the preferred relay. */
  async register(
    name: string,
    options: {
      relay?: string
      inviteCode?: string
      /** A completed sign-up verification started on that relay (SignupSteps.start). */
      verification?: { id: string; code?: string }
    } = {},
  ): Promise<NameView> {
    const relay = await this.pickRelay(options.relay)
    const { verification } = options
    const record = await this.client.register(relay, name, {
      inviteCode: options.inviteCode,
      verification:
        verification == null
          ? undefined
          : { id: verificationId(verification.id), code: verification.code },
    })
    await this.registrations.save(relay, record.record)
    this.scheduleRenewal(relay.peerId.toString(), record)
    return nameView(record)
  }

  /** Releases `name` (default: this node's only name) on its relay. */
  async release(options: { name?: string; relay?: string } = {}): Promise<NameView> {
    const own = await this.registrations.own()
    const matches = own.filter(
      (entry) =>
        (options.name == null || entry.record.name === normalizeForm(options.name)) &&
        (options.relay == null || options.relay.endsWith(entry.relay)),
    )
    if (matches.length === 0) throw new NameNotFoundError('this node holds no such name')
    if (matches.length > 1) {
      throw new DirectoryRequestError('this node holds several names: say which (name and relay)')
    }
    const [{ relay, record }] = matches
    const tombstone = await this.client.release({ peerId: peerIdFromString(relay) }, record.name)
    await this.registrations.remove(relay)
    clearTimeout(this.renewTimers.get(relay))
    this.renewTimers.delete(relay)
    return nameView({ ...tombstone, publicKey: record.publicKey })
  }

  /** This node's names, as last issued. */
  async names(): Promise<NameView[]> {
    return (await this.registrations.own()).map((entry) => nameView(entry.record))
  }

  /**
   * Resolves `query` (`alice` or `alice@<relay peer id>`) to a verified public key: from the
   * relay when it answers, else from the DHT copy the relay published.
   */
  async lookup(query: string, options: AbortOptions = {}): Promise<LookupView> {
    const [rawName, scope] = splitScope(query)
    const name = normalizeForm(rawName)
    const relays = scope != null ? [{ peerId: parsePeerId(scope) }] : await this.candidateRelays()
    if (relays.length === 0) {
      throw new DirectoryUnavailableError('no directory relay known: connect to a relay first')
    }
    const { signal } = options
    let best: DirectoryError | undefined
    for (const relay of relays) {
      try {
        if (signal?.aborted === true) throw signal.reason
        return await this.lookupOn(relay, name, signal)
      } catch (err) {
        if (signal?.aborted === true) throw lookupGivenUp(name, signal)
        if (!(err instanceof DirectoryError)) throw err
        if (rank(err) > rank(best)) best = err
      }
    }
    throw best ?? new NameNotFoundError(`no relay knows "${name}"`)
  }

  async search(
    prefix: string,
    options: { relay?: string; limit?: number } = {},
  ): Promise<SearchView> {
    const relay = await this.pickRelay(options.relay)
    const entries = await this.client.search(relay, prefix, options.limit ?? 10)
    return {
      results: entries.map((entry) => ({ ...nameView(entry), profile: entry.profile.profile })),
    }
  }

  /** Publishes the signed profile on every relay this node holds a name on (or on `relay`). */
  async setProfile(fields: ProfileFields, relay?: string): Promise<ProfileView> {
    const targets =
      relay != null
        ? [await this.pickRelay(relay)]
        : (await this.registrations.own()).map((entry) => ({
            peerId: peerIdFromString(entry.relay),
          }))
    if (targets.length === 0)
      throw new NameNotFoundError('register a name before publishing a profile')
    for (const target of targets) await this.client.setProfile(target, fields)
    return fields
  }

  private async lookupOn(
    relay: RelayTarget,
    name: string,
    signal?: AbortSignal,
  ): Promise<LookupView> {
    try {
      const found = await this.client.lookup(relay, name, { signal })
      return { ...nameView(found), source: 'relay', profile: found.profile?.profile }
    } catch (err) {
      // The relay's own word (taken, not found, expired...) is final for its scope.
      if (err instanceof DirectoryError && err.code !== 'bad-request') throw err
      if (signal?.aborted === true) throw err
      this.init.log('relay %p did not answer a lookup, trying the DHT - %e', relay.peerId, err)
    }
    const record = await this.fromDht(relay.peerId, name, signal)
    return { ...nameView(record), source: 'dht' }
  }

  private async fromDht(
    relay: PeerId,
    name: string,
    signal?: AbortSignal,
  ): Promise<NameRecordFields> {
    const relayPublicKey = relayKeyOf(relay)
    const values: Uint8Array[] = []
    const timeout = AbortSignal.timeout(DHT_TIMEOUT_MS)
    try {
      for await (const event of this.init.host.services.dht.get(nameDhtKey(relayPublicKey, name), {
        signal: signal == null ? timeout : AbortSignal.any([signal, timeout]),
      })) {
        if (event.name === 'VALUE') values.push(event.value)
      }
    } catch (err) {
      if (values.length === 0) {
        throw new DirectoryUnavailableError(
          `relay ${relay.toString()} is unreachable and the DHT has no record of "${name}" (${(err as Error).message})`,
        )
      }
    }
    if (values.length === 0) {
      throw new NameNotFoundError(
        `relay ${relay.toString()} is unreachable and the DHT has no "${name}"`,
      )
    }
    const record = openNameRecord(values[selectNameRecord(values, this.clock())], {
      name,
      relayPublicKey,
      now: this.clock(),
    })
    if (isReleasedRecord(record)) throw new NameNotFoundError(`"${name}" was released`)
    return record
  }

  private scheduleRenewal(relay: string, record: NameRecordFields): void {
    if (!this.lifecycle.running) return
    clearTimeout(this.renewTimers.get(relay))
    const lifetime = record.expiresMs - record.issuedMs
    const due = record.expiresMs - lifetime * (this.init.renewFraction ?? 1 / 3)
    this.setRenewTimer(relay, record.name, Math.max(0, due - this.clock()), lifetime)
  }

  private setRenewTimer(relay: string, name: string, delayMs: number, lifetime: number): void {
    // setTimeout takes at most 2^31-1 ms; a far renewal is re-armed when it wakes early.
    const timer = setTimeout(
      () => void this.renew(relay, name, lifetime),
      Math.min(delayMs, 2 ** 31 - 1),
    )
    timer.unref()
    this.renewTimers.set(relay, timer)
  }

  private async renew(relay: string, name: string, lifetime: number): Promise<void> {
    if (!this.lifecycle.running) return
    try {
      const target = { peerId: peerIdFromString(relay) }
      const record = await this.client.register(target, name)
      await this.registrations.save(target, record.record)
      this.init.log(
        'renewed "%s" on %s until %s',
        name,
        relay,
        new Date(record.expiresMs).toISOString(),
      )
      this.scheduleRenewal(relay, record)
      this.safeDispatchEvent('name:renewed', { detail: nameView(record) })
    } catch (err) {
      const retry = Math.max(MIN_RENEW_RETRY_MS, lifetime / 12)
      this.init.log('renewing "%s" on %s failed, retrying in %d ms - %e', name, relay, retry, err)
      if (this.lifecycle.running) this.setRenewTimer(relay, name, retry, lifetime)
    }
  }

  /**
   * The STUN and TURN servers our preferred relay offers for calls (doc/calls.md); none from
   * a relay that does not know the question.
   */
  async iceServers(
    options: AbortOptions = {},
  ): Promise<{ servers: IceServer[]; expiresMs: number }> {
    const relay = await this.pickRelay()
    return this.client.iceServers(relay, options).catch((err: unknown) => {
      if (err instanceof DirectoryRequestError) return { servers: [], expiresMs: 0 }
      throw err
    })
  }

  /** A relay named by multiaddr or peer id, or the preferred connected relay. */
  private async pickRelay(named?: string): Promise<RelayTarget> {
    if (named != null && named !== '') {
      if (named.startsWith('/')) {
        const address = multiaddr(named)
        const peer = peerIdOfAddress(address)
        if (peer == null)
          throw new DirectoryRequestError(`${named} must end in /p2p/<relay peer id>`)
        return { peerId: peerIdFromString(peer), addresses: [address] }
      }
      return { peerId: parsePeerId(named) }
    }
    const candidates = await this.candidateRelays()
    const connected = candidates.find(
      (relay) => this.init.host.getConnections(relay.peerId).length > 0,
    )
    const chosen = connected ?? candidates[0]
    if (chosen == null) {
      throw new DirectoryUnavailableError(
        'no directory relay known: connect to a relay or pass one',
      )
    }
    return chosen
  }

  private async candidateRelays(): Promise<RelayTarget[]> {
    const ordered = new Map<string, RelayTarget>()
    for (const entry of await this.registrations.own()) {
      ordered.set(entry.relay, { peerId: peerIdFromString(entry.relay) })
    }
    for (const text of this.init.relays ?? []) {
      const address = multiaddr(text)
      const peer = peerIdOfAddress(address)
      if (peer != null && !ordered.has(peer)) {
        ordered.set(peer, { peerId: peerIdFromString(peer), addresses: [address] })
      }
    }
    const offering = (await this.init.host.peerStore.all())
      .filter((peer) => peer.protocols.includes(DIRECTORY_PROTOCOL))
      .map((peer) => peer.id)
      .sort((a, b) => a.toString().localeCompare(b.toString()))
    for (const peerId of offering) {
      if (!ordered.has(peerId.toString())) ordered.set(peerId.toString(), { peerId })
    }
    return [...ordered.values()]
  }

  /** So a renewal after a restart can dial the relay before anything else told us where it is. */
  private async rememberAddresses(relay: string, addresses: string[]): Promise<void> {
    if (addresses.length === 0) return
    await this.init.host.peerStore.merge(peerIdFromString(relay), {
      multiaddrs: addresses.map((text) => multiaddr(text)),
    })
  }
}

/** The caller gave up (its time-out, or it went away): said as the directory being unavailable. */
function lookupGivenUp(name: string, signal: AbortSignal): DirectoryUnavailableError {
  const reason = signal.reason instanceof Error ? signal.reason.message : String(signal.reason)
  return new DirectoryUnavailableError(`the lookup of "${name}" was given up: ${reason}`)
}

function nameView(record: NameRecordFields): NameView {
  const relayPeerId = peerIdFromPublicKey(publicKeyFromRaw(record.relayPublicKey)).toString()
  const owner =
    record.publicKey.length === 0
      ? ''
      : peerIdFromPublicKey(publicKeyFromRaw(record.publicKey)).toString()
  return {
    name: record.name,
    scopedName: `${record.name}@${relayPeerId}`,
    peerId: owner,
    publicKey: toHex(record.publicKey),
    relayPeerId,
    issuedAt: record.issuedMs,
    expiresAt: record.expiresMs,
  }
}

function peerIdOfAddress(address: Multiaddr): string | undefined {
  return address.getComponents().find((component) => component.code === CODE_P2P)?.value
}

function splitScope(query: string): [string, string | undefined] {
  const at = query.lastIndexOf('@')
  return at < 0 ? [query, undefined] : [query.slice(0, at), query.slice(at + 1)]
}

function parsePeerId(text: string): PeerId {
  try {
    return peerIdFromString(text)
  } catch {
    throw new DirectoryRequestError(`"${text}" is not a relay peer id`)
  }
}

/** Which failure to report when every relay failed: the most informative one. */
function rank(err: DirectoryError | undefined): number {
  if (err == null) return 0
  if (err instanceof NameExpiredError) return 3
  if (err instanceof NameNotFoundError) return 2
  return 1
}
