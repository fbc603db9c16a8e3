/**
 * Friends' accounts as presence follows them, for presence-service.ts: a link per device
 * (FriendLink) grouped by account, and how each account is dialed (AccountDial). A device is
 * followed only while it is a friend's account key or its account's newest device list names
 * it, so the links are bounded by the friends and their lists.
 */
import { bytesEqual, toHex } from '../../protocol/bytes.ts'
import type { DevicePresenceView } from '../../protocol/local-api.ts'
import { peerIdOf } from '../identity/index.ts'
import { FriendLink } from './friend-link.ts'

/**
 * How we dial one friend's account: one dial at a time, to one device at a time. `cursor`
 * points into the account's device list at the device to try next; a failed dial or a lost
 * stream moves it on, so a device that is gone is not tried again before the others.
 */
export class AccountDial {
  dialing = false
  nextDialAt = 0
  redialMs: number
  cursor = 0

  constructor(redialMs: number) {
    this.redialMs = redialMs
  }

  /** Next time, the device after `index` of the `count` listed. */
  moveOn(index: number, count: number): void {
    this.cursor = (index + 1) % Math.max(count, 1)
  }
}

export interface AccountLinksComponents {
  isFriend(peer: Uint8Array): boolean
  /** The friend's account whose device list names `device` (node/devices), if any. */
  accountOf?(device: Uint8Array): Uint8Array | undefined
  /** The current devices of a friend's account, from the newest list held; none held: undefined. */
  devicesOf?(account: Uint8Array): Array<{ key: Uint8Array; name: string }> | undefined
}

/** What presence shows of an account. */
export interface AccountSeen {
  online: boolean
  lastSeen: number | null
  /** Each listed device, when the node holds the account's list. */
  devicePresence?: DevicePresenceView[]
}

export class AccountLinks {
  readonly #components: AccountLinksComponents
  readonly #redialMinMs: number
  /** Device (hex) to its link; a friend's account key has one from the start. */
  readonly #links = new Map<string, FriendLink>()
  /** Account (hex) to the links of its devices: heartbeats go per account on every tick. */
  readonly #byAccount = new Map<string, Set<FriendLink>>()
  /** Account (hex) to how we dial it. */
  readonly #dials = new Map<string, AccountDial>()

  constructor(components: AccountLinksComponents, redialMinMs: number) {
    this.#components = components
    this.#redialMinMs = redialMinMs
  }

  get(hex: string): FriendLink | undefined {
    return this.#links.get(hex)
  }

  all(): FriendLink[] {
    return [...this.#links.values()]
  }

  /** The link of device `peer` of `account`, made on first use. */
  link(peer: Uint8Array, account: Uint8Array = peer): FriendLink {
    const key = toHex(peer)
    let link = this.#links.get(key)
    if (link == null) {
      link = new FriendLink(Uint8Array.from(peer), Uint8Array.from(account))
      this.#links.set(key, link)
      const links = this.#byAccount.get(link.accountHex) ?? new Set()
      this.#byAccount.set(link.accountHex, links.add(link))
    }
    return link
  }

  /** Removes a device's link (the caller closes its streams). */
  delete(hex: string): FriendLink | undefined {
    const link = this.#links.get(hex)
    if (link == null) return undefined
    this.#links.delete(hex)
    const links = this.#byAccount.get(link.accountHex)
    links?.delete(link)
    if (links?.size === 0) this.#byAccount.delete(link.accountHex)
    return link
  }

  /** The friend account `device` belongs to (itself for an account key), if a friend's. */
  accountOf(device: Uint8Array): Uint8Array | undefined {
    const { isFriend, accountOf } = this.#components
    const account = isFriend(device) ? device : accountOf?.(device)
    return account != null && isFriend(account) ? account : undefined
  }

  /** The devices to dial for an account: its list's, or its key alone while none is held. */
  devicesOf(account: Uint8Array): Uint8Array[] {
    const listed = this.#components.devicesOf?.(account)?.map((device) => device.key) ?? []
    return listed.length > 0 ? listed : [account]
  }

  /** Where `device` stands in the account's devices to dial (-1: not there). */
  indexOf(account: Uint8Array, device: Uint8Array): number {
    return this.devicesOf(account).findIndex((listed) => bytesEqual(listed, device))
  }

  linksOf(accountHex: string): FriendLink[] {
    return [...(this.#byAccount.get(accountHex) ?? [])]
  }

  /** A stream to a device of the account that has not said goodbye: no dial needed. */
  isLive(accountHex: string): boolean {
    return this.linksOf(accountHex).some((link) => link.live)
  }

  dialOf(accountHex: string): AccountDial {
    let dial = this.#dials.get(accountHex)
    if (dial == null) {
      dial = new AccountDial(this.#redialMinMs)
      this.#dials.set(accountHex, dial)
    }
    return dial
  }

  /** Links of devices no list names any more (revoked), or of accounts no longer friends. */
  unlisted(): FriendLink[] {
    return this.all().filter(
      (link) => link.hex !== link.accountHex && this.accountOf(link.key) == null,
    )
  }

  /** A friendship ended: the account's links, to close; its dial state goes. */
  forgetAccount(accountHex: string): FriendLink[] {
    this.#dials.delete(accountHex)
    return this.linksOf(accountHex)
  }

  /**
   * Online while any device of the account is; last seen on the latest of them; each listed
   * device, when the node holds the account's list.
   */
  seen(account: Uint8Array): AccountSeen {
    let online = false
    let lastSeen: number | null = null
    for (const link of this.linksOf(toHex(account))) {
      online ||= link.online
      if (link.lastSeen != null && (lastSeen == null || link.lastSeen > lastSeen)) {
        lastSeen = link.lastSeen
      }
    }
    const listed = this.#components.devicesOf?.(account)
    if (listed == null) return { online, lastSeen }
    const devicePresence = listed.map(({ key, name }) => {
      const link = this.#links.get(toHex(key))
      return {
        peerId: peerIdOf({ publicKey: key }).toString(),
        name,
        online: link?.online ?? false,
        lastSeen: link?.lastSeen ?? null,
      }
    })
    return { online, lastSeen, devicePresence }
  }
}
