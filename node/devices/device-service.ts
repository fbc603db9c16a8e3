/**
 * This account's device list on the node, and its friends' (doc/accounts.md, step 2).
 *
 * - Own list: created on the first start after the upgrade (version 1, this install as device
 *   1), kept in the component's sealed sublevel, re-signed when the account key changed
 *   (a rotation restarts the node under the new key). Every change is a new version.
 * - Published in the DHT on start and every `republishIntervalMs` (kad-dht holders drop a
 *   record 48 hours after receiving it); a publish no DHT peer confirmed is retried sooner,
 *   the delay doubling up to a minute.
 * - Sent to every friend as a SOCIAL friend message of its own kind (`device-list`) through
 *   messaging: directly, or through the mailbox when the friend is away. `sent/<friend>`
 *   records the version messaging holds for each friend, written once messaging took it, so
 *   a crash in between sends it again (the friend takes the same list twice as a no-op).
 * - Friends' lists: the newest valid one per friend (friend-device-lists.ts), from their
 *   messages or, when the node holds none, from the DHT. Only friends' lists are kept, so
 *   what a stranger can make the node store is bounded by the friend list.
 *
 * Changes run one at a time (ServiceLifecycle.exclusive). Incoming lists arrive inside
 * messaging's lane for their peer, so nothing run exclusively waits on messaging: sends to
 * friends run on a chain of their own.
 */
import type { AbortOptions, ComponentLogger, Logger } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'
import { TypedEventEmitter } from 'main-event'
import {
  decodeLinkState,
  deviceListDhtKey,
  encodeLinkState,
  type OpenedDeviceList,
  openDeviceList,
  validateDeviceListRecord,
} from '../../protocol/accounts/index.ts'
import { bytesEqual, toHex } from '../../protocol/bytes.ts'
import type { NodeEventMap } from '../../protocol/local-api.ts'
import type { LinkState } from '../../protocol/proto/link.ts'
import { encodeFriendMessage } from '../../protocol/social.ts'
import { sendToFriendDevices } from '../friend-record-fan-out.ts'
import type { SocialSender } from '../friends/index.ts'
import { accountKeyOf, type Identity, peerIdOf } from '../identity/index.ts'
import { getRecords, type PutOutcome, putRecord } from '../mailbox/dht-records.ts'
import { ServiceLifecycle } from '../service-lifecycle.ts'
import type { AppLevel } from '../storage.ts'
import { friendDevicesView } from './api-routes.ts'
import { DeviceListStore } from './device-list-store.ts'
import {
  DevicesStoppedError,
  LinkedDeviceListMissingError,
  LinkListChangedError,
} from './errors.ts'
import { judgeFriendList } from './friend-device-lists.ts'
import {
  addDevice,
  defaultDeviceName,
  firstDeviceList,
  renameDevice,
  resignAfterRotation,
  revokeDevice,
  withRecoveryCommitment,
} from './own-device-list.ts'

/** What the device list needs of friends (node/friends). */
export interface DeviceFriends extends EventTarget {
  friendKeys(): Uint8Array[]
  isFriend(peer: Uint8Array): boolean
}

export interface DeviceServiceComponents {
  host: { services: { dht: KadDHT }; logger: ComponentLogger }
  identity: Identity
  /** The component's own sublevel of the node's LevelDB. */
  store: AppLevel
  friends: DeviceFriends
  /** Messaging, once it exists (it is built after this component). */
  messaging: () => SocialSender | undefined
  /** Tells API clients of a friend's newer list, and that this device was revoked. */
  emit?<T extends 'friend:devices' | 'device:revoked'>(type: T, data: NodeEventMap[T]): void
  /** Sends our signed list to our account's other devices, or a revoked one (own-device sync). */
  syncOwnList?(record: Uint8Array, devices: Uint8Array[]): Promise<void>
  /** SHA-256 of the account's recovery key in force, or empty: the list carries it. */
  recoveryCommitment?: () => Promise<Uint8Array>
}

export interface DeviceServiceInit {
  /** This device's name in a list made on first start. @default the host name */
  deviceName?: string
  /**
   * Republishing interval; 0 turns the loop off. kad-dht holders drop a record 48 hours
   * after receiving it, so keep this well under that. @default 3_600_000 (1 hour)
   */
  republishIntervalMs?: number
  /** First retry of a publish no DHT peer confirmed; doubles up to a minute. @default 1_000 */
  publishRetryMs?: number
  /** Longest wait for one DHT query. @default 30_000 */
  queryTimeoutMs?: number
  /**
   * How long a friend's list, looked up in the DHT before a mailbox copy for one of its
   * devices, counts as fresh (mailbox-recipients.ts). @default 60_000
   */
  mailboxRecheckMs?: number
  /** @default Date.now */
  clock?: () => number
}

export interface DeviceServiceEvents {
  /** Our own list changed (renamed, re-signed). */
  'devices:changed': CustomEvent<OpenedDeviceList>
  /** A friend's newer list was taken. */
  'devices:friend-list': CustomEvent<{ peer: Uint8Array; list: OpenedDeviceList }>
  /** A friend's list was refused: a lower or equal version with other content, or invalid. */
  'devices:refused': CustomEvent<{ peer: Uint8Array; version?: number; reason: string }>
  /** This device revoked another of the account's devices. */
  'devices:revoked': CustomEvent<{ device: Uint8Array }>
  /** Another device of the account revoked this one: it sends nothing as the account now. */
  'devices:revoked-here': CustomEvent<OpenedDeviceList>
  /** Our list was put in the DHT: its version, and how many holders confirmed it. */
  'devices:published': CustomEvent<{ version: number; confirmed: number }>
}

const MAX_RETRY_MS = 60_000
const ZERO_REQUEST_ID = new Uint8Array(16)

export class DeviceService extends TypedEventEmitter<DeviceServiceEvents> {
  readonly #components: DeviceServiceComponents
  readonly #store: DeviceListStore
  readonly #log: Logger
  readonly #clock: () => number
  readonly #deviceName?: string
  readonly #republishIntervalMs: number
  readonly #publishRetryMs: number
  readonly #queryTimeoutMs: number
  readonly #lifecycle = new ServiceLifecycle(() => new DevicesStoppedError())
  #own?: { list: OpenedDeviceList; record: Uint8Array }
  #linkedState: LinkState = { friends: [], relays: [] }
  readonly #friendLists = new Map<string, { list: OpenedDeviceList; record: Uint8Array }>()
  readonly #sent = new Map<string, number>()
  /** Friends whose list was looked up in the DHT in this run: once each, after a publish. */
  readonly #lookedUp = new Set<string>()
  #timer?: NodeJS.Timeout
  #retryMs: number
  /** The sends to friends, one after another (sendPending). */
  #sending: Promise<void> = Promise.resolve()
  readonly #onFriendsChanged = (event: Event) => {
    const { peer, friend } = (event as CustomEvent<{ peer: Uint8Array; friend: boolean }>).detail
    if (friend) {
      void this.sendPending()
      void this.#lookUpMissing()
    } else {
      void this.#forget(toHex(peer))
    }
  }

  constructor(components: DeviceServiceComponents, init: DeviceServiceInit = {}) {
    super()
    this.#components = components
    this.#store = new DeviceListStore(components.store)
    this.#log = components.host.logger.forComponent('tokenim:devices')
    this.#clock = init.clock ?? Date.now
    this.#deviceName = init.deviceName
    this.#republishIntervalMs = init.republishIntervalMs ?? 60 * 60_000
    this.#publishRetryMs = init.publishRetryMs ?? 1_000
    this.#queryTimeoutMs = init.queryTimeoutMs ?? 30_000
    this.#retryMs = this.#publishRetryMs
  }

  get running(): boolean {
    return this.#lifecycle.running
  }

  /** Loads the lists, makes or re-signs our own, and starts publishing it. */
  async start(): Promise<void> {
    if (!this.#lifecycle.start()) return
    await this.#lifecycle.exclusive(async () => {
      const commitment = (await this.#components.recoveryCommitment?.()) ?? new Uint8Array(0)
      await this.#load(commitment)
      await this.#carryCommitment(commitment)
    })
    this.#components.friends.addEventListener('friends:changed', this.#onFriendsChanged)
    if (this.#republishIntervalMs > 0) void this.#publishLoop()
  }

  async stop(): Promise<void> {
    await this.#lifecycle.stop(() => {
      this.#components.friends.removeEventListener('friends:changed', this.#onFriendsChanged)
      clearTimeout(this.#timer)
    })
  }

  /** This device's key: device 1 runs on the account key. */
  get thisDevice(): Uint8Array {
    return this.#components.identity.publicKey
  }

  /** The account key: the identity itself on device 1, the key it holds on a linked device. */
  get account(): Uint8Array {
    return accountKeyOf(this.#components.identity).publicKey
  }

  /** Whether this device was linked to the account (its device key is not the account key). */
  get linked(): boolean {
    return this.#components.identity.account != null
  }

  /**
   * The certificate of a device being linked and the list that names it (the next version),
   * signed but not yet ours: `commitLinked` takes the list once the new device stored it.
   * Throws DeviceListFullError or DeviceAlreadyListedError.
   */
  prepareLink(device: Uint8Array, name: string): { certificate: Uint8Array; list: Uint8Array } {
    this.#checkRunning()
    return addDevice(
      accountKeyOf(this.#components.identity),
      this.own(),
      device,
      name,
      this.#clock(),
    )
  }

  /**
   * Makes a list from `prepareLink` ours: published and sent to every friend. Refused
   * (LinkListChangedError) when our list changed since, so no version is skipped or reused.
   */
  async commitLinked(record: Uint8Array): Promise<OpenedDeviceList> {
    const list = await this.#lifecycle.exclusive(async () => {
      this.#checkRunning()
      if (openDeviceList(record).version !== this.own().version + 1) {
        throw new LinkListChangedError()
      }
      return this.#setOwn(record)
    })
    this.#afterOwnChange()
    return list
  }

  /** On a linked device: the account's friends its link handed over (none on device 1). */
  linkedFriends(): LinkState['friends'] {
    return this.#linkedState.friends
  }

  /**
   * On a linked device, once the friends part keeps the friends its link handed over: the
   * link's state keeps its relays only, so they are not handed over again at the next start.
   */
  async forgetLinkedFriends(): Promise<void> {
    if (this.#linkedState.friends.length === 0) return
    this.#linkedState = { ...this.#linkedState, friends: [] }
    await this.#store.putLinkedState(encodeLinkState(this.#linkedState))
  }

  /** The account's other current devices (every device of our list but this one). */
  ownOtherDevices(): Uint8Array[] {
    return this.own()
      .devices.map((device) => device.device)
      .filter((device) => !bytesEqual(device, this.thisDevice))
  }

  /** The friend's account whose list names `device` (not its account key), if any. */
  friendAccountOf(device: Uint8Array): Uint8Array | undefined {
    return this.friendLists().find(
      (list) =>
        !bytesEqual(list.account, device) &&
        list.devices.some((listed) => bytesEqual(listed.device, device)),
    )?.account
  }

  /** Our account's current list, opened. */
  own(): OpenedDeviceList {
    if (this.#own == null) throw new DevicesStoppedError()
    return this.#own.list
  }

  /** Our signed list as it travels. */
  ownRecord(): Uint8Array {
    if (this.#own == null) throw new DevicesStoppedError()
    return this.#own.record
  }

  /** True once our account's list names this device as revoked. */
  get revokedHere(): boolean {
    return (
      this.#own?.list.revoked.some((entry) => bytesEqual(entry.device, this.thisDevice)) ?? false
    )
  }

  /**
   * Our account's list as another of its devices sent it (own-device sync): taken when it
   * opens, is our account's and is newer than ours; the same or an older one changes nothing.
   * A list that revokes this device makes it stop (`devices:revoked-here`).
   */
  receiveOwn(from: Uint8Array, record: Uint8Array): Promise<void> {
    return this.#lifecycle.exclusive(async () => {
      let list: OpenedDeviceList
      try {
        list = openDeviceList(record)
      } catch (err) {
        this.#log.error('refused our device list from %s: %e', toHex(from), err)
        return
      }
      if (!bytesEqual(list.account, this.account) || list.version <= this.own().version) return
      const wasRevoked = this.revokedHere
      await this.#setOwn(record)
      this.#log('took our device list version %d from %s', list.version, toHex(from))
      if (!wasRevoked && this.revokedHere) this.#tellRevoked(list)
    })
  }

  #tellRevoked(list: OpenedDeviceList): void {
    this.#log.error('this device was revoked by its account (list version %d)', list.version)
    this.safeDispatchEvent('devices:revoked-here', { detail: list })
    const at = list.revoked.find((entry) => bytesEqual(entry.device, this.thisDevice))?.atMs
    this.#components.emit?.('device:revoked', {
      peerId: peerIdOf({ publicKey: this.thisDevice }).toString(),
      version: list.version,
      at: at ?? this.#clock(),
    })
  }

  /** The newest list held for `friend`, or undefined. Memory only. */
  friendList(friend: Uint8Array): OpenedDeviceList | undefined {
    return this.#friendLists.get(toHex(friend))?.list
  }

  /** Every friend's newest list held. */
  friendLists(): OpenedDeviceList[] {
    return [...this.#friendLists.values()].map((held) => held.list)
  }

  /** Renames this device: a new version, published and sent to every friend. */
  async rename(name: string): Promise<OpenedDeviceList> {
    const list = await this.#lifecycle.exclusive(async () => {
      this.#checkRunning()
      const account = accountKeyOf(this.#components.identity)
      return this.#setOwn(renameDevice(account, this.own(), this.thisDevice, name))
    })
    this.#afterOwnChange()
    return list
  }

  /**
   * Revokes the device named `which` (name or peer id): a new version without it, published
   * and sent to every friend, whose nodes then drop their sessions with it.
   */
  async revoke(which: string): Promise<OpenedDeviceList> {
    const { device, list } = await this.#lifecycle.exclusive(async () => {
      this.#checkRunning()
      const account = accountKeyOf(this.#components.identity)
      const next = revokeDevice(account, this.own(), which, this.thisDevice, this.#clock())
      return { device: next.device, list: await this.#setOwn(next.list) }
    })
    this.#afterOwnChange()
    this.safeDispatchEvent('devices:revoked', { detail: { device } })
    return list
  }

  /** Puts our list in the DHT now. */
  publish(options: AbortOptions = {}): Promise<PutOutcome> {
    return this.#lifecycle.track(async () => {
      const { version } = this.own()
      const outcome = await putRecord(
        this.#components.host.services.dht,
        deviceListDhtKey(this.account),
        this.ownRecord(),
        { signal: this.#lifecycle.signal(options), timeoutMs: this.#queryTimeoutMs },
      )
      this.safeDispatchEvent('devices:published', {
        detail: { version, confirmed: outcome.confirmed },
      })
      if (outcome.confirmed > 0) void this.#lookUpMissing()
      return outcome
    })
  }

  /**
   * The newest valid list `account` published in the DHT, or undefined when none is found.
   * Anyone's: looking a list up stores nothing.
   */
  lookup(account: Uint8Array, options: AbortOptions = {}): Promise<OpenedDeviceList | undefined> {
    return this.#lifecycle.track(async () => {
      const found = await this.#find(account, options)
      return found?.list
    })
  }

  /**
   * Looks a friend's list up in the DHT and takes it (as `receive` does) when it is newer than
   * the one held: a friend's device may have revoked another and told only the DHT so far.
   */
  refresh(friend: Uint8Array, options: AbortOptions = {}): Promise<void> {
    return this.#lifecycle.track(async () => {
      const found = await this.#find(friend, options)
      const held = this.friendList(friend)?.version ?? -1
      if (found != null && found.list.version > held) await this.receive(friend, found.record)
    })
  }

  /**
   * A device list a friend sent (the friends component hands it over). Never throws for bad
   * input: a list that does not open, is not the sender's, or is not newer is logged and
   * refused, and what was held stays.
   */
  receive(peer: Uint8Array, record: Uint8Array): Promise<void> {
    return this.#lifecycle.exclusive(() => this.#take(peer, record))
  }

  /**
   * Hands our list to messaging for every friend that has not been sent this version. Runs
   * one at a time, but outside the exclusive sections: messaging queues it in the friend's
   * lane, where an incoming list may be waiting for one (`receive`), so holding one here
   * could deadlock.
   */
  sendPending(): Promise<void> {
    const next = this.#sending.then(() =>
      this.running ? this.#lifecycle.track(() => this.#sendPendingNow()) : undefined,
    )
    this.#sending = next.catch(() => undefined)
    return next.catch((err) => {
      if (this.running) this.#log.error('sending our device list failed: %e', err)
    })
  }

  async #sendPendingNow(): Promise<void> {
    const messaging = this.#components.messaging()
    const own = this.#own
    // A linked device sends it too: friends take it from any device the list names.
    if (messaging == null || own == null) return
    const { version } = own.list
    const payload = encodeFriendMessage({
      type: 'device-list',
      requestId: ZERO_REQUEST_ID,
      note: '',
      name: '',
      deviceList: own.record,
    })
    // Each device of the friend's account hears of it, so a friend's device linked later
    // follows our devices without a restart (the friend's list names it).
    await sendToFriendDevices(
      {
        friends: this.#components.friends,
        messaging,
        otherDevicesOf: (friend) => this.otherDevicesOf(friend),
        sent: this.#sent,
        store: this.#store,
        log: this.#log,
        what: 'device list',
      },
      payload,
      version,
    )
  }

  /** The current devices of a friend's account other than its account key. */
  otherDevicesOf(friend: Uint8Array): Uint8Array[] {
    return (this.friendList(friend)?.devices ?? [])
      .map((device) => device.device)
      .filter((device) => !bytesEqual(device, friend))
  }

  async #load(commitment: Uint8Array): Promise<void> {
    const stored = await this.#store.load()
    for (const [hex, record] of stored.friends) {
      try {
        this.#friendLists.set(hex, { list: openDeviceList(record), record })
      } catch (err) {
        this.#log.error('dropped the stored device list of %s: %e', hex, err)
      }
    }
    for (const [hex, version] of stored.sent) this.#sent.set(hex, version)
    if (stored.linkedState != null) {
      try {
        this.#linkedState = decodeLinkState(stored.linkedState)
      } catch (err) {
        this.#log.error('dropped the stored state of the link: %e', err)
      }
    }
    const identity = accountKeyOf(this.#components.identity)
    const now = this.#clock()
    if (stored.own == null) {
      if (this.linked) throw new LinkedDeviceListMissingError()
      const name = this.#deviceName ?? defaultDeviceName()
      await this.#setOwn(firstDeviceList(identity, name, now, commitment))
      this.#log('made device list version 1 for this install')
      return
    }
    const own = openDeviceList(stored.own)
    this.#own = { list: own, record: stored.own }
    if (!bytesEqual(own.account, identity.publicKey)) {
      await this.#setOwn(resignAfterRotation(identity, own, now))
      this.#log('the account key changed: device list re-signed as version %d', own.version + 1)
    }
    if (this.revokedHere) {
      this.#log.error('this device was revoked by its account (list version %d)', own.version)
    }
  }

  /** Makes the next version when the account's recovery commitment is not the one the list carries. */
  async #carryCommitment(commitment: Uint8Array): Promise<void> {
    const own = this.own()
    if (commitment.length === 0 || bytesEqual(own.nextRecovery, commitment)) return
    await this.#setOwn(
      withRecoveryCommitment(accountKeyOf(this.#components.identity), own, commitment),
    )
    this.#log('device list version %d carries the recovery commitment', own.version + 1)
  }

  /** Re-reads the recovery commitment (the account just committed): a new version, sent and published. */
  async refreshRecoveryCommitment(): Promise<void> {
    await this.#lifecycle.exclusive(async () =>
      this.#carryCommitment((await this.#components.recoveryCommitment?.()) ?? new Uint8Array(0)),
    )
    this.#afterOwnChange()
  }

  async #setOwn(record: Uint8Array): Promise<OpenedDeviceList> {
    const list = openDeviceList(record)
    await this.#store.putOwn(record)
    this.#own = { list, record }
    this.safeDispatchEvent('devices:changed', { detail: list })
    return list
  }

  #afterOwnChange(): void {
    void this.sendPending()
    const others = this.own()
      .devices.map((device) => device.device)
      .filter((device) => !bytesEqual(device, this.thisDevice))
    this.#components.syncOwnList?.(this.ownRecord(), others).catch((err) => {
      if (this.running) this.#log.error('sending our device list to our devices failed: %e', err)
    })
    this.publish().catch((err) => {
      if (this.running) this.#log.error('publishing our device list failed: %e', err)
    })
  }

  async #take(sender: Uint8Array, record: Uint8Array): Promise<void> {
    const peer = this.#isFriend(sender) ? sender : this.#listAccount(sender, record)
    const hex = toHex(peer ?? sender)
    if (peer == null) {
      this.#log('ignored a device list from %s, who is not a friend', hex)
      return
    }
    const verdict = judgeFriendList(peer, this.#friendLists.get(hex), record)
    if (verdict.status === 'same') return
    if (verdict.status === 'refused') {
      this.#log.error('refused a device list from %s: %s', hex, verdict.reason)
      this.safeDispatchEvent('devices:refused', {
        detail: { peer, version: verdict.version, reason: verdict.reason },
      })
      return
    }
    await this.#store.putFriend(hex, record)
    this.#friendLists.set(hex, { list: verdict.list, record })
    this.safeDispatchEvent('devices:friend-list', { detail: { peer, list: verdict.list } })
    // Its new devices get our list (not awaited: sends queue in messaging's lanes).
    void this.sendPending()
    const devices = friendDevicesView(this, peer)
    if (devices != null) {
      this.#components.emit?.('friend:devices', {
        peerId: peerIdOf({ publicKey: peer }).toString(),
        devices,
      })
    }
  }

  async #find(
    account: Uint8Array,
    options: AbortOptions,
  ): Promise<{ list: OpenedDeviceList; record: Uint8Array } | undefined> {
    const key = deviceListDhtKey(account)
    const { answers, best } = await getRecords(this.#components.host.services.dht, key, {
      signal: this.#lifecycle.signal(options),
      timeoutMs: this.#queryTimeoutMs,
    })
    let newest: { list: OpenedDeviceList; record: Uint8Array } | undefined
    for (const record of [
      ...answers.map((answer) => answer.value),
      ...(best == null ? [] : [best]),
    ]) {
      try {
        const list = validateDeviceListRecord(key, record)
        if (newest == null || list.version > newest.list.version) newest = { list, record }
      } catch {
        // A holder answering with what does not validate is skipped; another may answer.
      }
    }
    return newest
  }

  /**
   * The friend whose account a list from `sender`, a device that is not the account key, is:
   * when the list opens, is a friend's, and names `sender` as one of its current devices (the
   * friend's linked device sends its account's list). Else undefined.
   */
  #listAccount(sender: Uint8Array, record: Uint8Array): Uint8Array | undefined {
    try {
      const list = openDeviceList(record)
      const names = list.devices.some((device) => bytesEqual(device.device, sender))
      return names && this.#isFriend(list.account) ? list.account : undefined
    } catch {
      return undefined
    }
  }

  /** A friend (on a linked device too: its friends part holds the account's friends). */
  #isFriend(peer: Uint8Array): boolean {
    return this.#components.friends.isFriend(peer)
  }

  /** Looks up, once a run, the lists of friends this node holds none for. */
  async #lookUpMissing(): Promise<void> {
    for (const friend of this.#components.friends.friendKeys()) {
      const hex = toHex(friend)
      if (!this.running || this.#friendLists.has(hex) || this.#lookedUp.has(hex)) continue
      this.#lookedUp.add(hex)
      try {
        const found = await this.#lifecycle.track(() => this.#find(friend, {}))
        if (found != null) await this.receive(friend, found.record)
      } catch (err) {
        if (this.running) this.#log('looking up the device list of %s failed: %e', hex, err)
      }
    }
  }

  async #forget(hex: string): Promise<void> {
    await this.#lifecycle.exclusive(async () => {
      // What was sent to the friend's other devices goes with it (they were sent our list too).
      const devices = (this.#friendLists.get(hex)?.list.devices ?? []).map((d) => toHex(d.device))
      this.#friendLists.delete(hex)
      for (const device of new Set([hex, ...devices])) {
        this.#sent.delete(device)
        await this.#store.forget(device)
      }
    })
  }

  async #publishLoop(): Promise<void> {
    let confirmed = false
    try {
      confirmed = (await this.publish()).confirmed > 0
    } catch (err) {
      if (this.running) this.#log.error('publishing our device list failed: %e', err)
    }
    if (!this.running) return
    const delay = confirmed ? this.#republishIntervalMs : this.#retryMs
    this.#retryMs = confirmed ? this.#publishRetryMs : Math.min(this.#retryMs * 2, MAX_RETRY_MS)
    this.#timer = setTimeout(() => void this.#publishLoop(), delay)
  }

  #checkRunning(): void {
    if (!this.running) throw new DevicesStoppedError()
  }
}
