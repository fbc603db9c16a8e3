/**
 * Presence between friends: every `heartbeatIntervalMs` each node sends each friend a
 * heartbeat signed by its identity key, on a long-lived stream of PRESENCE_PROTOCOL to that
 * friend (whichever side opened it; both write on it). A friend is online from its first
 * heartbeat until it says goodbye (an OFFLINE heartbeat, sent when a node stops or starts to
 * appear offline) or until PRESENCE_MISSED_HEARTBEATS intervals pass without one: a node
 * that dies without a goodbye is shown offline after that timeout.
 *
 * Heartbeats also carry typing indicators (typing-signals.ts).
 *
 * A friend's account may run on several devices (its device list, node/devices): heartbeats
 * of any of them count for the account, which is online while any device is. Devices may open
 * a stream to us themselves; we dial at most one device per account at a time, and only while
 * we have no stream to a device that has not said goodbye (AccountDial): the first listed, and
 * the next one (at the next tick) when a dial fails or a stream drops or says goodbye, with
 * the backoff of one friend. So an
 * account of several devices costs what one device costs, and stays online while any device
 * can be reached from here.
 *
 * Only friends: streams from anyone else are closed at once, and heartbeats go to friends
 * only, never to a public topic. A heartbeat names its recipient and carries a counter that
 * must grow, so it can be neither replayed nor shown to someone else.
 */
import type { Connection, Libp2p, Logger, PeerId, Stream } from '@libp2p/interface'
import { streamCounts } from '../../network/index.ts'
import { peerReach } from '../../network/peer-reach.ts'
import { openPeerStream, type PeerStreamHost } from '../../network/peer-streams.ts'
import { bytesEqual, fromHex, toHex } from '../../protocol/bytes.ts'
import { PRESENCE_PROTOCOL } from '../../protocol/ids.ts'
import { PRESENCE_STREAM_LIMITS } from '../../protocol/limits.ts'
import type {
  NodeEventMap,
  PeerReach,
  PeerRef,
  PresenceSettings,
} from '../../protocol/local-api.ts'
import {
  MAX_PRESENCE_CLOCK_SKEW_MS,
  openPresenceHeartbeat,
  type PresenceHeartbeatValue,
  presenceTimeoutMs,
  signPresenceHeartbeat,
} from '../../protocol/social.ts'
import { type Identity, peerIdOf } from '../identity/index.ts'
import { ServiceLifecycle } from '../service-lifecycle.ts'
import type { AppLevel } from '../storage.ts'
import { AccountLinks, type AccountSeen } from './account-links.ts'
import { PresenceStoppedError, TypingFriendNotFoundError } from './errors.ts'
import { type FriendLink, PresenceChannel } from './friend-link.ts'
import { FriendReachWatch } from './reach-watch.ts'
import { TypingSignals } from './typing-signals.ts'

/** The friend list, as presence follows it (node/friends `Friends`). */
export interface PresenceFriends extends EventTarget {
  friendKeys(): Uint8Array[]
  isFriend(peer: Uint8Array): boolean
  peerRef(peer: Uint8Array): PeerRef
}

export interface PresenceComponents {
  host: PeerStreamHost &
    Pick<
      Libp2p,
      | 'handle'
      | 'unhandle'
      | 'register'
      | 'unregister'
      | 'addEventListener'
      | 'removeEventListener'
      | 'logger'
    >
  identity: Identity
  /** The sublevel presence owns (its settings). */
  db: AppLevel
  friends: PresenceFriends
  /** The friend's account whose device list names `device` (node/devices), if any. */
  accountOf?(device: Uint8Array): Uint8Array | undefined
  /** The current devices of a friend's account, from the newest list held; none held: undefined. */
  devicesOf?(account: Uint8Array): Array<{ key: Uint8Array; name: string }> | undefined
  emit<T extends 'presence:changed' | 'friend:reach' | 'typing:changed'>(
    type: T,
    data: NodeEventMap[T],
  ): void
}

export interface PresenceInit {
  /** @default 1500 */
  heartbeatIntervalMs?: number
  /** @default 5000 */
  dialTimeoutMs?: number
  /** First wait before dialing an unreachable friend again; doubles up to `redialMaxMs`. @default 1000 */
  redialMinMs?: number
  /** @default 15000 */
  redialMaxMs?: number
}

export const DEFAULT_HEARTBEAT_INTERVAL_MS = 1500

const SETTINGS_KEY = 'settings'
/** Longest wait for goodbyes when stopping or starting to appear offline. */
const GOODBYE_TIMEOUT_MS = 1000
/** Streams one friend may hold open to us at once (two dialing at the same moment make two). */
const MAX_STREAMS_PER_FRIEND = PRESENCE_STREAM_LIMITS.maxInboundStreams

export class Presence {
  readonly #components: PresenceComponents
  readonly #init: Required<PresenceInit>
  readonly #log: Logger
  readonly #links: AccountLinks
  #timer: NodeJS.Timeout | undefined
  #counter = 0
  #appearOffline = false
  readonly #typing = new TypingSignals()
  readonly #lifecycle = new ServiceLifecycle(() => new PresenceStoppedError('presence is stopped'))

  readonly #onFriendsChanged = (event: Event) => {
    const { peer, friend } = (event as CustomEvent<{ peer: Uint8Array; friend: boolean }>).detail
    if (friend) {
      this.#links.link(peer)
      this.#maintain(peer, true)
    } else this.#forgetAccount(toHex(peer))
    this.#reach.update(peerIdOf({ publicKey: peer }))
  }

  /**
   * A connected peer that speaks presence (its node started, or restarted on new
   * addresses): if it is a device of a friend's account we have no live stream to, dial it
   * now instead of at the next backoff step.
   */
  readonly #onPresencePeer = (peerId: PeerId) => {
    const key = peerId.publicKey
    if (key?.type !== 'Ed25519' || !this.#lifecycle.running || this.#appearOffline) return
    const account = this.#links.accountOf(key.raw)
    if (account == null || this.#links.isLive(toHex(account))) return
    const index = this.#links.indexOf(account, key.raw)
    if (index >= 0 && !this.#links.dialOf(toHex(account)).dialing) void this.#dial(account, index)
  }
  #topologyId: string | undefined
  readonly #reach: FriendReachWatch

  constructor(components: PresenceComponents, init: PresenceInit = {}) {
    this.#components = components
    this.#init = {
      heartbeatIntervalMs: init.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS,
      dialTimeoutMs: init.dialTimeoutMs ?? 5000,
      redialMinMs: init.redialMinMs ?? 1000,
      redialMaxMs: init.redialMaxMs ?? 15_000,
    }
    this.#log = components.host.logger.forComponent('tokenim:presence')
    this.#links = new AccountLinks(
      {
        isFriend: (peer) => components.friends.isFriend(peer),
        accountOf: components.accountOf,
        devicesOf: components.devicesOf,
      },
      this.#init.redialMinMs,
    )
    this.#reach = new FriendReachWatch({
      host: components.host,
      isFriend: (peer) => components.friends.isFriend(peer),
      emit: (type, data) => components.emit(type, data),
    })
  }

  async start(): Promise<void> {
    const settings = await this.#readSettings()
    this.#appearOffline = settings.appearOffline
    this.#typing.setEnabled(settings.typingIndicators)
    if (!this.#lifecycle.start()) return
    this.#reach.start()
    await this.#components.host.handle(
      PRESENCE_PROTOCOL,
      (stream, connection) => this.#inbound(stream, connection),
      {
        ...streamCounts(PRESENCE_STREAM_LIMITS),
        runOnLimitedConnection: true,
      },
    )
    this.#topologyId = await this.#components.host.register(PRESENCE_PROTOCOL, {
      onConnect: this.#onPresencePeer,
      notifyOnLimitedConnection: true,
    })
    this.#components.friends.addEventListener('friends:changed', this.#onFriendsChanged)
    for (const peer of this.#components.friends.friendKeys()) this.#links.link(peer)
    this.#timer = setInterval(() => this.#tick(), this.#init.heartbeatIntervalMs)
    this.#timer.unref()
    this.#tick()
  }

  /** Says goodbye to every friend (unless appearing offline), then closes every stream. */
  async stop(): Promise<void> {
    if (!this.#lifecycle.running) return
    await this.#lifecycle.stop(() => {
      this.#reach.stop()
      clearInterval(this.#timer)
      if (this.#topologyId != null) this.#components.host.unregister(this.#topologyId)
      this.#components.friends.removeEventListener('friends:changed', this.#onFriendsChanged)
    })
    if (!this.#appearOffline) await this.#goodbye()
    for (const link of this.#links.all()) this.#forget(link.hex)
    await this.#components.host.unhandle(PRESENCE_PROTOCOL)
  }

  /** What we know of a friend's presence (offline when we know nothing), and how we reach it. */
  of(peer: Uint8Array): AccountSeen & { reach: PeerReach } {
    return {
      ...this.#links.seen(peer),
      reach: peerReach(this.#components.host, peerIdOf({ publicKey: peer })),
    }
  }

  settings(): PresenceSettings {
    return { appearOffline: this.#appearOffline, typingIndicators: this.#typing.enabled }
  }

  /**
   * Appearing offline sends no heartbeats (friends see us offline at once) until turned off.
   * Typing indicators off: friends are told at once that we stopped, and theirs are hidden.
   * A setting left out stays as it is.
   */
  async update(change: Partial<PresenceSettings>): Promise<PresenceSettings> {
    const next = { ...this.settings(), ...change }
    await this.#components.db.put(SETTINGS_KEY, encoder.encode(JSON.stringify(next)))
    const appearing = next.appearOffline !== this.#appearOffline
    this.#appearOffline = next.appearOffline
    if (next.typingIndicators !== this.#typing.enabled) {
      const withdrawn = this.#typing.setEnabled(next.typingIndicators)
      for (const hex of withdrawn.told) this.#heartbeatNow(hex)
      for (const hex of withdrawn.shown) this.#emitTyping(fromHex(hex), false)
    }
    if (appearing && this.#lifecycle.running) {
      if (next.appearOffline) await this.#goodbye()
      else this.#tick()
    }
    return this.settings()
  }

  /**
   * Our user is (or stopped) writing to friend `peer`: the friend's next heartbeat says so,
   * sent at once when that changes. Nothing is sent while typing indicators are off.
   */
  typing(peer: Uint8Array, typing: boolean): void {
    if (!this.#lifecycle.running) throw new PresenceStoppedError('presence is stopped')
    if (!this.#components.friends.isFriend(peer)) {
      throw new TypingFriendNotFoundError('typing is told to friends only')
    }
    const hex = toHex(peer)
    if (this.#typing.mark(hex, typing)) this.#heartbeatNow(hex)
  }

  async #readSettings(): Promise<PresenceSettings> {
    const stored = await this.#components.db.get(SETTINGS_KEY)
    const parsed =
      stored == null ? {} : (JSON.parse(decoder.decode(stored)) as Partial<PresenceSettings>)
    return {
      appearOffline: parsed.appearOffline === true,
      typingIndicators: parsed.typingIndicators !== false,
    }
  }

  // ---------------------------------------------------------------- sending

  #tick(): void {
    if (!this.#lifecycle.running) return
    this.#dropUnlisted()
    for (const account of this.#components.friends.friendKeys()) this.#maintain(account, false)
  }

  /**
   * Heartbeats on the account's streams, and a dial (now, or when due) to the next device
   * without a stream when none of them is live.
   */
  #maintain(account: Uint8Array, now: boolean): void {
    if (!this.#lifecycle.running || this.#appearOffline) return
    const accountHex = toHex(account)
    let live = false
    for (const link of this.#links.linksOf(accountHex)) {
      const writer = link.writer()
      if (writer == null) continue
      void this.#send(link, writer, 'online')
      live ||= !link.away
    }
    const dial = this.#links.dialOf(accountHex)
    if (live || dial.dialing || (!now && Date.now() < dial.nextDialAt)) return
    const devices = this.#links.devicesOf(account)
    for (let step = 0; step < devices.length; step++) {
      const index = (dial.cursor + step) % devices.length
      // A device with a stream that said goodbye is not dialed again: it is there, and away.
      if (this.#links.get(toHex(devices[index]!))?.writer() != null) continue
      void this.#dial(account, index)
      return
    }
  }

  /** Heartbeats to the account `hex` now, on its open streams (else the next ones say it). */
  #heartbeatNow(hex: string): void {
    if (this.#appearOffline) return
    for (const link of this.#links.linksOf(hex)) {
      const writer = link.writer()
      if (writer != null) void this.#send(link, writer, 'online')
    }
  }

  /** A stream to device `index` of the account's devices to dial. */
  async #dial(account: Uint8Array, index: number): Promise<void> {
    const devices = this.#links.devicesOf(account)
    const dial = this.#links.dialOf(toHex(account))
    const link = this.#links.link(devices[index]!, account)
    dial.dialing = true
    try {
      const stream = await this.#open(link)
      dial.redialMs = this.#init.redialMinMs
      dial.cursor = index
      if (!this.#lifecycle.running || this.#links.get(link.hex) !== link) {
        stream.abort(new Error('presence stopped'))
        return
      }
      this.#log('opened a presence stream to %s', link.peerId)
      const channel = this.#attach(link, stream)
      if (!this.#appearOffline) await this.#send(link, channel, 'online')
    } catch (err) {
      dial.moveOn(index, devices.length)
      dial.nextDialAt = Date.now() + dial.redialMs
      dial.redialMs = Math.min(dial.redialMs * 2, this.#init.redialMaxMs)
      this.#log('cannot reach friend %s: %s', link.peerId, (err as Error).message)
    } finally {
      dial.dialing = false
    }
  }

  /**
   * A device's stream ended or it said goodbye: with no other live stream to its account, the
   * next device of the list is dialed, at the next tick. Not at once: a device that resets our
   * streams as they open (we are no friend of its account any more) must cost one dial per
   * tick, as one unreachable friend does, not a dial per round trip.
   */
  #failOver(link: FriendLink): void {
    if (this.#links.isLive(link.accountHex)) return
    this.#links
      .dialOf(link.accountHex)
      .moveOn(
        this.#links.indexOf(link.account, link.key),
        this.#links.devicesOf(link.account).length,
      )
  }

  /** A stream to the friend; a failed dial, the address lookup and the second dial share the time. */
  #open(link: FriendLink): Promise<Stream> {
    return openPeerStream(this.#components.host, link.peerId, PRESENCE_PROTOCOL, {
      signal: AbortSignal.timeout(2 * this.#init.dialTimeoutMs),
    })
  }

  async #send(link: FriendLink, channel: PresenceChannel, status: 'online' | 'offline') {
    this.#counter = Math.max(this.#counter + 1, Date.now())
    const heartbeat: PresenceHeartbeatValue = {
      sender: this.#components.identity.publicKey,
      recipient: link.key,
      counter: this.#counter,
      sentAtMs: Date.now(),
      status,
      intervalMs: this.#init.heartbeatIntervalMs,
      typing: status === 'online' && this.#typing.isTypingTo(link.accountHex),
    }
    try {
      await channel.write(signPresenceHeartbeat(this.#components.identity, heartbeat))
    } catch (err) {
      this.#log('heartbeat to %s failed: %s', link.peerId, (err as Error).message)
      channel.abort(err as Error)
    }
  }

  async #goodbye(): Promise<void> {
    const sends = this.#links.all().flatMap((link) => {
      const writer = link.writer()
      return writer == null ? [] : [this.#send(link, writer, 'offline')]
    })
    let timer: NodeJS.Timeout | undefined
    await Promise.race([
      Promise.allSettled(sends),
      new Promise((resolve) => {
        timer = setTimeout(resolve, GOODBYE_TIMEOUT_MS)
      }),
    ])
    clearTimeout(timer)
  }

  // -------------------------------------------------------------- receiving

  #inbound(stream: Stream, connection: Connection): void {
    const key = connection.remotePeer.publicKey
    const raw = key?.type === 'Ed25519' ? key.raw : undefined
    const account = raw == null ? undefined : this.#links.accountOf(raw)
    if (raw == null || account == null) {
      // Presence is for friends only: say nothing, not even that we are here.
      this.#log('closed a presence stream from %s: not a friend', connection.remotePeer)
      stream.abort(new Error('not a friend'))
      return
    }
    const link = this.#links.link(raw, account)
    if (link.channels.size >= MAX_STREAMS_PER_FRIEND) {
      stream.abort(new Error('too many presence streams'))
      return
    }
    this.#log('%s opened a presence stream', link.peerId)
    const channel = this.#attach(link, stream)
    if (!this.#appearOffline) void this.#send(link, channel, 'online')
  }

  #attach(link: FriendLink, stream: Stream): PresenceChannel {
    const channel = new PresenceChannel(stream)
    link.channels.add(channel)
    void channel
      .read((bytes) => this.#onFrame(link, channel, bytes))
      .catch((err: Error) => {
        this.#log('presence stream of %s ended: %s', link.peerId, err.message)
      })
      .finally(() => {
        link.channels.delete(channel)
        if (this.#lifecycle.running && this.#links.get(link.hex) === link) this.#failOver(link)
      })
    return channel
  }

  #onFrame(link: FriendLink, channel: PresenceChannel, bytes: Uint8Array): void {
    let heartbeat: PresenceHeartbeatValue
    try {
      heartbeat = openPresenceHeartbeat(bytes)
    } catch (err) {
      this.#bad(link, channel, `unreadable heartbeat: ${(err as Error).message}`)
      return
    }
    if (!bytesEqual(heartbeat.sender, link.key)) {
      this.#bad(link, channel, 'heartbeat signed by someone else than the stream peer')
      return
    }
    if (!bytesEqual(heartbeat.recipient, this.#components.identity.publicKey)) {
      this.#bad(link, channel, 'heartbeat meant for someone else')
      return
    }
    if (!this.#components.friends.isFriend(link.account)) {
      channel.abort(new Error('not a friend any more'))
      return
    }
    const now = Date.now()
    if (Math.abs(heartbeat.sentAtMs - now) > MAX_PRESENCE_CLOCK_SKEW_MS) {
      this.#log(
        'dropped a heartbeat from %s: its clock is off by %d ms',
        link.peerId,
        heartbeat.sentAtMs - now,
      )
      return
    }
    if (heartbeat.counter <= link.lastCounter) {
      this.#log('dropped a replayed heartbeat from %s', link.peerId)
      return
    }
    link.lastCounter = heartbeat.counter
    if (heartbeat.status === 'offline') {
      this.#setOffline(link)
      return
    }
    link.away = false
    link.lastSeen = now
    clearTimeout(link.timeout)
    link.timeout = setTimeout(() => this.#setOffline(link), presenceTimeoutMs(heartbeat.intervalMs))
    link.timeout.unref()
    if (!link.online) {
      link.online = true
      this.#emit(link)
    }
    const typing = this.#typing.heard(link.hex, heartbeat.typing)
    if (typing != null) this.#emitTyping(link.account, typing)
  }

  #bad(link: FriendLink, channel: PresenceChannel, reason: string): void {
    this.#log.error('closing the presence stream of %s: %s', link.peerId, reason)
    channel.abort(new Error(reason))
  }

  /** A goodbye, or heartbeats stopped: the device is offline (its stream may stay open). */
  #setOffline(link: FriendLink): void {
    clearTimeout(link.timeout)
    link.timeout = undefined
    link.away = true
    if (this.#typing.forget(link.hex)) this.#emitTyping(link.account, false)
    if (link.online) {
      link.online = false
      this.#emit(link)
    }
    this.#failOver(link)
  }

  /** The friend's account and each of its devices as their heartbeats show them. */
  #emit(link: FriendLink): void {
    this.#components.emit('presence:changed', {
      ...this.#components.friends.peerRef(link.account),
      ...this.#links.seen(link.account),
    })
  }

  #emitTyping(peer: Uint8Array, typing: boolean): void {
    this.#components.emit('typing:changed', { ...this.#components.friends.peerRef(peer), typing })
  }

  // --------------------------------------------------------------- plumbing

  /** Devices a newer list of their account no longer names (revoked) lose their streams. */
  #dropUnlisted(): void {
    for (const link of this.#links.unlisted()) this.#forget(link.hex)
  }

  /** A friendship ended: its account's link and those of its other devices go. */
  #forgetAccount(accountHex: string): void {
    for (const link of this.#links.forgetAccount(accountHex)) this.#forget(link.hex)
  }

  #forget(key: string): void {
    const link = this.#links.delete(key)
    if (link == null) return
    clearTimeout(link.timeout)
    if (this.#typing.forget(key)) this.#emitTyping(link.account, false)
    for (const channel of link.channels) channel.abort(new Error('presence stopped'))
  }
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()
