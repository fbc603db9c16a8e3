/**
 * Friend messages go between accounts, not keys (doc/friends.md, "On several devices"): any
 * device of an account sends the request, accept, decline or removal its own change means,
 * and such a message to an account goes to every current device of it.
 *
 * - Who sent it. A message from a device its account's list names is the account's: a
 *   friend's device is known by the list held for the friend (node/devices, as messaging
 *   attributes a friend's texts); a linked device adds its account's signed list to what it
 *   sends (`carry`), so a stranger can tell the account from the device alone (the list is
 *   signed by the account and names the sending device). A stranger then checks the list
 *   against the newest the account published in the DHT (once a run per account, one lookup
 *   at a time, at most `lookupTimeoutMs`): a device a newer list no longer names (revoked) is
 *   refused; without an answer in time the carried list stands. A carried list that names a
 *   friend's device its held list does not name yet goes to node/devices first, which takes it
 *   only when it is newer. A message carrying no list is from the key that sent it.
 * - Where it goes. To the account key and each other current device the account's list
 *   names: the list held for a friend, else one a stranger's device carried here, else one
 *   `prefetch` looked up in the DHT (once, at most `lookupTimeoutMs`) before the user's change,
 *   else the account key alone. Strangers' lists are kept in memory only, the newest
 *   `MAX_STRANGER_LISTS` accounts.
 * - Receivers stay idempotent by request id, so one message reaching an account's device
 *   twice (directly, and as the device's own sync from another) changes nothing more.
 */
import type { AbortOptions, Logger } from '@libp2p/interface'
import { type OpenedDeviceList, openDeviceList } from '../../protocol/accounts/index.ts'
import { bytesEqual, fromHex, toHex } from '../../protocol/bytes.ts'
import type { FriendMessageKind, FriendMessageValue } from '../../protocol/social.ts'
import type { DeviceListInbox } from './friends-contract.ts'

/** What the friend list needs of the account's devices and its peers' (node/devices). */
export interface FriendDevices {
  /** The account's other current devices. */
  others(): Uint8Array[]
  /** Our account's signed list on a linked device (not on the account key): sent with its friend messages. */
  linkedRecord(): Uint8Array | undefined
  /** The friend's account whose held list names `device` (not its account key), if any. */
  accountOf(device: Uint8Array): Uint8Array | undefined
  /** The current devices the list held for a friend's `account` names; undefined when none is held. */
  devicesOf(account: Uint8Array): Uint8Array[] | undefined
  /** The newest valid list `account` published in the DHT, if any. */
  lookup(account: Uint8Array, options: AbortOptions): Promise<OpenedDeviceList | undefined>
}

/** The friend messages that speak for an account and go to all of its devices. */
export const ACCOUNT_MESSAGES: ReadonlySet<FriendMessageKind> = new Set([
  'request',
  'accept',
  'reject',
  'remove',
])

/** Strangers' device lists kept (those a request or answer brought, or looked up). */
export const MAX_STRANGER_LISTS = 256

/** Accounts remembered as looked up in this run (the oldest are looked up again). */
const MAX_LOOKED_UP = 16 * MAX_STRANGER_LISTS

export interface AccountReachInit {
  devices(): FriendDevices | undefined
  /** Where a friend's newer list goes to be judged (node/devices). */
  deviceLists(): DeviceListInbox | undefined
  log: Logger
  /** Longest wait for a stranger's device list in the DHT. */
  lookupTimeoutMs: number
}

export class AccountReach {
  readonly #init: AccountReachInit
  /** Strangers' lists by account (hex), oldest first. */
  readonly #strangers = new Map<string, OpenedDeviceList>()
  /** Accounts looked up in the DHT in this run. */
  readonly #lookedUp = new Set<string>()
  /** Whether a stranger's message waits for a DHT lookup: one at a time, others go unchecked. */
  #checking = false

  constructor(init: AccountReachInit) {
    this.#init = init
  }

  /** `message` as this device sends it: with our account's list when this device is linked. */
  carry(message: FriendMessageValue): FriendMessageValue {
    if (!ACCOUNT_MESSAGES.has(message.type)) return message
    const record = this.#init.devices()?.linkedRecord()
    return record == null ? message : { ...message, deviceList: record }
  }

  /** The devices (hex) a friend message to the account `peerHex` goes to: its key first. */
  targets(peerHex: string): string[] {
    const listed =
      this.#init.devices()?.devicesOf(fromHex(peerHex)) ??
      this.#strangers.get(peerHex)?.devices.map((device) => device.device) ??
      []
    return [peerHex, ...listed.map((device) => toHex(device)).filter((hex) => hex !== peerHex)]
  }

  /**
   * Looks up the device list of `peerHex` in the DHT when no list is known for it (once a
   * run, bounded by the timeout), so that what the user is about to send it reaches every
   * device. Never rejects.
   */
  async prefetch(peerHex: string): Promise<void> {
    const devices = this.#init.devices()
    if (devices == null || this.#lookedUp.has(peerHex) || this.#strangers.has(peerHex)) return
    const account = fromHex(peerHex)
    if (devices.devicesOf(account) != null) return
    await this.#lookUp(devices, account)
  }

  /**
   * The account (hex) a friend message from device `peer` speaks for, or undefined when it
   * carries a list that does not name `peer` (logged; the message is dropped).
   */
  async senderAccount(peer: Uint8Array, message: FriendMessageValue): Promise<string | undefined> {
    const { log } = this.#init
    const peerHex = toHex(peer)
    const devices = this.#init.devices()
    const held = devices?.accountOf(peer)
    if (held != null) return toHex(held)
    const record = message.deviceList
    if (record == null || !ACCOUNT_MESSAGES.has(message.type)) return peerHex
    let list: OpenedDeviceList
    try {
      list = openDeviceList(record)
    } catch (err) {
      log('dropped a friend message from %s: its device list does not open: %s', peerHex, err)
      return undefined
    }
    if (bytesEqual(list.account, peer)) return peerHex
    if (!list.devices.some((device) => bytesEqual(device.device, peer))) {
      log('dropped a friend message from %s: its account list does not name it', peerHex)
      return undefined
    }
    const accountHex = toHex(list.account)
    if (devices?.devicesOf(list.account) != null) {
      // A friend's device its held list does not name: node/devices takes the list if newer.
      await this.#init.deviceLists()?.receive(peer, record)
      if (devices.accountOf(peer) == null) {
        log('dropped a friend message from %s: not a current device of %s', peerHex, accountHex)
        return undefined
      }
      return accountHex
    }
    this.#remember(list)
    if (devices != null && !this.#lookedUp.has(accountHex) && !this.#checking) {
      this.#checking = true
      await this.#lookUp(devices, list.account).finally(() => {
        this.#checking = false
      })
    }
    const newest = this.#strangers.get(accountHex) ?? list
    if (!newest.devices.some((device) => bytesEqual(device.device, peer))) {
      log(
        'dropped a friend message from %s: list %d of %s no longer names it',
        peerHex,
        newest.version,
        accountHex,
      )
      return undefined
    }
    return accountHex
  }

  /** Looks the list of `account` up in the DHT (once a run) and keeps it. Never rejects. */
  async #lookUp(devices: FriendDevices, account: Uint8Array): Promise<void> {
    const hex = toHex(account)
    this.#lookedUp.add(hex)
    if (this.#lookedUp.size > MAX_LOOKED_UP) {
      this.#lookedUp.delete(this.#lookedUp.values().next().value as string)
    }
    try {
      const signal = AbortSignal.timeout(this.#init.lookupTimeoutMs)
      const list = await devices.lookup(account, { signal })
      if (list != null && bytesEqual(list.account, account)) this.#remember(list)
    } catch (err) {
      this.#init.log('looking up the device list of %s failed: %s', hex, (err as Error).message)
    }
  }

  /**
   * The list a friend's device carried (the message was just taken from the account), handed
   * to node/devices: the friend's texts from that device then show as the friend's at once.
   */
  async takeCarriedList(peer: Uint8Array, message: FriendMessageValue): Promise<void> {
    if (message.deviceList != null)
      await this.#init.deviceLists()?.receive(peer, message.deviceList)
  }

  /** Keeps a stranger's list, the newer of two for one account, the newest accounts only. */
  #remember(list: OpenedDeviceList): void {
    const hex = toHex(list.account)
    const kept = this.#strangers.get(hex)
    if (kept != null && kept.version > list.version) return
    this.#strangers.delete(hex)
    this.#strangers.set(hex, list)
    if (this.#strangers.size > MAX_STRANGER_LISTS) {
      this.#strangers.delete(this.#strangers.keys().next().value as string)
    }
  }
}
