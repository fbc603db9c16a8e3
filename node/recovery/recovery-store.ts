/**
 * The shares this node keeps for friends, in the component's own sublevel (`recovery`),
 * whose values the storage seals (node/storage.ts): `kept/<friend hex>` holds the share the
 * friend gave us, as JSON. One per friend (a new split replaces the old share), at most
 * MAX_KEPT_RECOVERY_SHARES in all; every write is synced; the store keeps them in memory.
 */
import { MAX_KEPT_RECOVERY_SHARES } from '../../protocol/limits.ts'
import type { AppLevel } from '../storage.ts'

const KEPT = 'kept/'
const SYNC = { sync: true } as const

export interface KeptShare {
  /** The account the share recovers (its epoch's first key), hex. */
  account: string
  threshold: number
  /** The Shamir share, hex. */
  share: string
  /** ms since the Unix epoch. */
  at: number
}

export class RecoveryStore {
  readonly #db: AppLevel
  readonly #kept = new Map<string, KeptShare>()

  constructor(db: AppLevel) {
    this.#db = db
  }

  async load(): Promise<void> {
    for await (const [key, value] of this.#db.iterator()) {
      if (key.startsWith(KEPT)) {
        this.#kept.set(key.slice(KEPT.length), JSON.parse(new TextDecoder().decode(value)))
      }
    }
  }

  /** Keeps `share` from the friend at `friendHex`; false when the bound is reached. */
  async keep(friendHex: string, share: KeptShare): Promise<boolean> {
    if (!this.#kept.has(friendHex) && this.#kept.size >= MAX_KEPT_RECOVERY_SHARES) return false
    await this.#db.put(KEPT + friendHex, new TextEncoder().encode(JSON.stringify(share)), SYNC)
    this.#kept.set(friendHex, share)
    return true
  }

  /** The share kept for `account` (hex): given by it, or naming it as its account. */
  forAccount(account: string): KeptShare | undefined {
    return this.#kept.get(account) ?? [...this.#kept.values()].find((s) => s.account === account)
  }

  entries(): Array<[string, KeptShare]> {
    return [...this.#kept.entries()]
  }
}
