/**
 * Single active session per identity. Each start signs a SessionAnnouncement whose counter
 * only grows (persisted, synced, before anything is sent), keeps one open directory stream
 * to every connected relay carrying it, and publishes it on the identity's gossipsub topic.
 *
 * Two machines running one identity share one PeerId, so a relay cannot tell them apart by
 * peer; it tells them apart by announcement. The relay keeps the newest and, when a newer
 * one arrives, writes a signed notice on the older session's stream. Should that stream be
 * gone (libp2p may drop one of two connections of the same PeerId), the older session
 * learns it when it reconnects and re-announces: the relay answers with the same notice.
 */
import type { Connection, IdentifyResult, Libp2p, Logger, PeerId } from '@libp2p/interface'
import { TypedEventEmitter } from 'main-event'
import type { Ed25519KeyPair } from '../../protocol/crypto/index.ts'
import { wireBytes } from '../../protocol/directory.ts'
import { DIRECTORY_PROTOCOL, SESSION_TOPIC_PREFIX } from '../../protocol/ids.ts'
import { DIRECTORY_STREAM_LIMITS } from '../../protocol/limits.ts'
import type { SignedInElsewhereEvent } from '../../protocol/local-api.ts'
import {
  openSessionNotice,
  type SessionAnnouncementFields,
  signSessionAnnouncement,
} from '../../protocol/session-records.ts'
import { ServiceLifecycle } from '../service-lifecycle.ts'
import type { AppLevel } from '../storage.ts'
import { relayKeyOf } from './directory-client.ts'
import { DirectoryStream } from './directory-stream.ts'
import { DirectoryStoppedError } from './errors.ts'

export interface SignedInElsewhere {
  /** Our session's counter. */
  counter: bigint
  /** The newer session's announcement, verified: same identity, higher counter. */
  newer: SessionAnnouncementFields
  /** The relay that said so. */
  relayPeerId: string
}

export interface SessionGuardInit {
  host: Libp2p<{ pubsub?: { publish(topic: string, data: Uint8Array): Promise<unknown> } }>
  identity: Ed25519KeyPair
  store: AppLevel
  log: Logger
  onSignedInElsewhere(info: SignedInElsewhere): void
  /** @default Date.now */
  clock?: () => number
}

const COUNTER_KEY = 'session-counter'
const REOPEN_DELAY_MS = 1_000
const MAX_REOPEN_DELAY_MS = 30_000

interface Channel {
  stream: DirectoryStream
  closedByUs: boolean
}

export interface SessionGuardEvents {
  /** A relay accepted this session's announcement as the newest. */
  'session:announced': CustomEvent<{ relayPeerId: string; counter: bigint }>
}

export class SessionGuard extends TypedEventEmitter<SessionGuardEvents> {
  private readonly init: SessionGuardInit
  private readonly clock: () => number
  private readonly channels = new Map<string, Channel>()
  private readonly accepted = new Map<string, bigint>()
  private readonly reopenDelays = new Map<string, number>()
  private readonly timers = new Set<NodeJS.Timeout>()
  private counter = 0n
  private announcement: Uint8Array = new Uint8Array(0)
  private startedAt = 0
  private bumped = false
  private readonly lifecycle = new ServiceLifecycle(
    () => new DirectoryStoppedError('the session guard is stopped'),
  )
  private superseded = false

  constructor(init: SessionGuardInit) {
    super()
    this.init = init
    this.clock = init.clock ?? Date.now
  }

  get currentCounter(): bigint {
    return this.counter
  }

  /** Relays that accepted this session as the newest, with the counter they accepted. */
  get acceptedBy(): ReadonlyMap<string, bigint> {
    return this.accepted
  }

  async start(): Promise<void> {
    if (!this.lifecycle.start()) return
    this.startedAt = this.clock()
    await this.advance((await this.storedCounter()) + 1n)
    this.init.host.addEventListener('peer:identify', this.onIdentify)
    for (const connection of this.init.host.getConnections()) void this.announceOn(connection)
  }

  async stop(): Promise<void> {
    await this.lifecycle.stop(() => {
      this.init.host.removeEventListener('peer:identify', this.onIdentify)
      for (const timer of this.timers) clearTimeout(timer)
      this.timers.clear()
      for (const channel of this.channels.values()) {
        channel.closedByUs = true
        channel.stream.stream.abort(new Error('node stopping'))
      }
      this.channels.clear()
    })
  }

  /** Takes a counter above `floor` and above the clock, persists it synced, then re-signs. */
  private async advance(floor: bigint): Promise<void> {
    const counter = [floor, BigInt(this.clock()), this.counter + 1n].reduce((a, b) =>
      a > b ? a : b,
    )
    // classic-level honours `sync`; abstract-level's option types omit it.
    await this.init.store.put(COUNTER_KEY, encodeCounter(counter), { sync: true } as object)
    this.counter = counter
    this.announcement = signSessionAnnouncement(this.init.identity, {
      counter,
      timestampMs: this.clock(),
      multiaddrs: this.init.host.getMultiaddrs().map((ma) => ma.toString()),
    })
    this.publish()
  }

  private publish(): void {
    const pubsub = this.init.host.services.pubsub
    if (pubsub == null) return
    const topic = `${SESSION_TOPIC_PREFIX}${this.init.host.peerId.toString()}`
    pubsub.publish(topic, this.announcement).catch((err: unknown) => {
      this.init.log('could not publish the session announcement - %e', err)
    })
  }

  private readonly onIdentify = (evt: CustomEvent<IdentifyResult>): void => {
    if (evt.detail.protocols.includes(DIRECTORY_PROTOCOL))
      void this.announceOn(evt.detail.connection)
  }

  private async announceOn(connection: Connection): Promise<void> {
    const peer = connection.remotePeer.toString()
    if (
      !this.lifecycle.running ||
      this.superseded ||
      this.channels.has(peer) ||
      connection.status !== 'open'
    )
      return
    const protocols = await this.init.host.peerStore
      .get(connection.remotePeer)
      .then((p) => p.protocols)
      .catch(() => [] as string[])
    if (!protocols.includes(DIRECTORY_PROTOCOL) || this.channels.has(peer)) return
    let stream: DirectoryStream
    try {
      stream = new DirectoryStream(
        await connection.newStream(DIRECTORY_PROTOCOL, {
          signal: AbortSignal.timeout(10_000),
          maxOutboundStreams: DIRECTORY_STREAM_LIMITS.maxOutboundStreams,
        }),
      )
    } catch (err) {
      this.init.log('could not open a session stream to %s - %e', peer, err)
      this.scheduleReopen(connection)
      return
    }
    const channel: Channel = { stream, closedByUs: false }
    this.channels.set(peer, channel)
    try {
      await stream.send({ announce: wireBytes(this.announcement) }, AbortSignal.timeout(10_000))
      for (;;) {
        const response = await stream.receive()
        if (response.sessionNotice != null) {
          await this.onNotice(connection.remotePeer, response.sessionNotice)
          break
        }
        if (response.accepted === true) {
          this.reopenDelays.delete(peer)
          this.accepted.set(peer, this.counter)
          this.safeDispatchEvent('session:announced', {
            detail: { relayPeerId: peer, counter: this.counter },
          })
        }
      }
    } catch (err) {
      if (!channel.closedByUs) this.init.log('session stream to %s ended - %e', peer, err)
    } finally {
      if (this.channels.get(peer) === channel) this.channels.delete(peer)
      await stream.close()
      if (!channel.closedByUs) this.scheduleReopen(connection)
    }
  }

  /** The relay says a newer session of this identity exists: check it, then give way. */
  private async onNotice(relay: PeerId, notice: Uint8Array): Promise<void> {
    let opened: ReturnType<typeof openSessionNotice>
    try {
      opened = openSessionNotice(notice, relayKeyOf(relay), this.init.identity.publicKey)
    } catch (err) {
      this.init.log('ignored a session notice from %p that does not verify - %e', relay, err)
      return
    }
    const newer = opened.announcement
    if (newer.counter <= this.counter) return // about an older counter of ours: stale
    if (!this.bumped && newer.timestampMs < this.startedAt) {
      // A session that started before this one but with a higher counter (a fast clock, or a
      // restored data dir): this start is the newest, so step over it, once.
      this.bumped = true
      await this.advance(newer.counter + 1n)
      for (const channel of this.channels.values()) {
        channel.closedByUs = true
        channel.stream.stream.abort(new Error('re-announcing'))
      }
      this.channels.clear()
      for (const connection of this.init.host.getConnections()) void this.announceOn(connection)
      return
    }
    if (this.superseded) return
    this.superseded = true
    this.init.onSignedInElsewhere({ counter: this.counter, newer, relayPeerId: relay.toString() })
  }

  private scheduleReopen(connection: Connection): void {
    if (!this.lifecycle.running || this.superseded || connection.status !== 'open') return
    const peer = connection.remotePeer.toString()
    const delay = this.reopenDelays.get(peer) ?? REOPEN_DELAY_MS
    this.reopenDelays.set(peer, Math.min(delay * 2, MAX_REOPEN_DELAY_MS))
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      void this.announceOn(connection)
    }, delay)
    timer.unref()
    this.timers.add(timer)
  }

  private async storedCounter(): Promise<bigint> {
    const bytes = await this.init.store.get(COUNTER_KEY)
    return bytes == null ? 0n : decodeCounter(bytes)
  }
}

function encodeCounter(counter: bigint): Uint8Array {
  const bytes = new Uint8Array(8)
  new DataView(bytes.buffer).setBigUint64(0, counter)
  return bytes
}

function decodeCounter(bytes: Uint8Array): bigint {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0)
}

/** The local API event for a SignedInElsewhere. */
export function signedInElsewhereEvent(info: SignedInElsewhere): SignedInElsewhereEvent {
  return {
    reason: 'signed in elsewhere',
    relayPeerId: info.relayPeerId,
    counter: info.counter.toString(),
    newerCounter: info.newer.counter.toString(),
    newerMultiaddrs: info.newer.multiaddrs,
  }
}
