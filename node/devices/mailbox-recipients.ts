/**
 * Whom the mailbox may still leave envelopes for (MailboxRecipients, node/mailbox): not a
 * device its account revoked (doc/accounts.md, "Revoking a device").
 *
 * Friends learn a revoke from the account's devices, but a node that missed that message (it
 * was away, and the revoking device is away now) would go on leaving copies the revoked
 * device could collect and read. So before a copy is left for a friend's linked device, the
 * newest list of its account in the DHT is looked up, at most once per `recheckMs` per
 * account and within `lookupTimeoutMs`, and taken when newer (friends' nodes then drop what
 * waits for the device: node/part-followers.ts); a device it no longer names gets nothing. A
 * lookup that fails lets the deposit go: the mailbox does not wait on a DHT that cannot
 * answer, and the next check comes `recheckMs` later.
 */
import type { AbortOptions, Logger } from '@libp2p/interface'
import { toHex } from '../../protocol/bytes.ts'
import type { MailboxRecipients } from '../mailbox/index.ts'
import { DeviceNoLongerListedError } from './errors.ts'

export interface MailboxRecipientsComponents {
  /** The friend account whose held list names `device` (not its account key), if any. */
  friendAccountOf(device: Uint8Array): Uint8Array | undefined
  /** Looks the friend's list up in the DHT and takes it when newer (DeviceService.refresh). */
  refresh(friend: Uint8Array, options: AbortOptions): Promise<void>
  /** True when a friend's held list names `device` as revoked (friendRevoked). */
  isRevoked(device: Uint8Array): boolean
  log: Logger
  clock?: () => number
}

export interface MailboxRecipientsInit {
  /** @default 60000 */
  recheckMs?: number
  /** @default 5000 */
  lookupTimeoutMs?: number
}

export class DeviceMailboxRecipients implements MailboxRecipients {
  readonly #components: MailboxRecipientsComponents
  readonly #recheckMs: number
  readonly #lookupTimeoutMs: number
  readonly #clock: () => number
  /** Account (hex) to its last lookup (its time, or the lookup under way). Friends only. */
  readonly #checked = new Map<string, number | Promise<void>>()

  constructor(components: MailboxRecipientsComponents, init: MailboxRecipientsInit = {}) {
    this.#components = components
    this.#recheckMs = init.recheckMs ?? 60_000
    this.#lookupTimeoutMs = init.lookupTimeoutMs ?? 5_000
    this.#clock = components.clock ?? Date.now
  }

  async check(recipient: Uint8Array, options: AbortOptions = {}): Promise<void> {
    if (this.refused(recipient)) throw new DeviceNoLongerListedError('this device was revoked')
    const account = this.#components.friendAccountOf(recipient)
    // An account key, a device of ours, a stranger: no friend's list to look at.
    if (account == null) return
    await this.#lookedUp(account, options)
    if (this.#components.friendAccountOf(recipient) == null) {
      throw new DeviceNoLongerListedError(
        "the newest device list of the recipient's account no longer names this device",
      )
    }
  }

  refused(recipient: Uint8Array): boolean {
    return this.#components.isRevoked(recipient)
  }

  #lookedUp(account: Uint8Array, options: AbortOptions): Promise<void> | undefined {
    const hex = toHex(account)
    const last = this.#checked.get(hex)
    if (last instanceof Promise) return last
    if (last != null && this.#clock() - last < this.#recheckMs) return undefined
    const signal = AbortSignal.any([
      AbortSignal.timeout(this.#lookupTimeoutMs),
      ...(options.signal == null ? [] : [options.signal]),
    ])
    const lookup = this.#components
      .refresh(account, { signal })
      .catch((err: Error) => {
        this.#components.log('device list of %s not looked up: %s', hex, err.message)
      })
      .finally(() => this.#checked.set(hex, this.#clock()))
    this.#checked.set(hex, lookup)
    return lookup
  }
}
