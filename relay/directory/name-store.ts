/**
 * The relay's names, in LevelDB. Every change that a peer is told about is written with
 * `sync: true` in one atomic batch before the answer leaves, so an acknowledged
 * registration survives kill -9 and power loss.
 *
 * Keys (strings, in the directory's sublevel):
 *   n!<name>       the signed name record (the relay's own, so read back without re-verifying)
 *   s!<skeleton>   the name holding that skeleton: one name per lookalike class
 *   o!<owner hex>  the name an identity holds: one name per identity per relay
 *   p!<owner hex>  the owner's signed profile
 *   i!<hash>       an invite code that was used
 *   a!<owner hex>  the newest session announcement of an identity
 *   h!<address hash>!<owner hex>  a verified sign-up address (its HMAC, never the address)
 *                  and an identity it was used for; it counts while that identity holds a
 *                  live name (name-claims.ts)
 *   m!<owner hex>  the key an identity's name moved to after a key rotation (name-moves.ts):
 *                  the old key is retired here, and its sign-up address follows the name
 *   k!<name>       the recovery commitment pinned for the name's account (`NamePin`, JSON):
 *                  its first key, that commitment, the recoveries made since; removed with
 *                  the name
 *   f!<first hex>  the name pinned for an account's first key (valid while `k!<name>` names
 *                  that key)
 */
import type { AppLevel } from '../../node/index.ts'
import { toHex } from '../../protocol/bytes.ts'
import { NameRecord } from '../../protocol/proto/directory.ts'
import { SignedRecord } from '../../protocol/proto/signed-record.ts'

export interface StoredName {
  name: string
  /** Owner's public key, hex. */
  owner: string
  issuedMs: number
  expiresMs: number
  /** The relay-signed record, as handed out. */
  record: Uint8Array
}

/** What the relay pinned of the account holding a name, to judge its moves by (name-moves.ts). */
export interface NamePin {
  /** The account's first key (hex): where the key statements of its moves start. */
  first: string
  /** The recovery commitment the account started from (hex). */
  commitment: string
  /** How many recoveries the account made since. */
  recoveries: number
}

type BatchOperation = { type: 'put'; key: string; value: Uint8Array } | { type: 'del'; key: string }

/** classic-level honours `sync` (fsync before resolving); abstract-level's option types omit it. */
const SYNCED = { sync: true } as object

const encoder = new TextEncoder()
const decoder = new TextDecoder()

export class NameStore {
  private readonly db: AppLevel

  constructor(db: AppLevel) {
    this.db = db
  }

  async byName(name: string): Promise<StoredName | undefined> {
    const record = await this.db.get(`n!${name}`)
    return record == null ? undefined : readStoredName(record)
  }

  async nameOfSkeleton(skeleton: string): Promise<string | undefined> {
    return this.text(`s!${skeleton}`)
  }

  async nameOfOwner(ownerHex: string): Promise<string | undefined> {
    return this.text(`o!${ownerHex}`)
  }

  async profileOf(ownerHex: string): Promise<Uint8Array | undefined> {
    return (await this.db.get(`p!${ownerHex}`)) ?? undefined
  }

  async inviteUsed(hash: string): Promise<boolean> {
    return (await this.db.get(`i!${hash}`)) != null
  }

  /**
   * Writes a name (new or renewed) with its indexes in one synced batch, removing the
   * entries of `replaces` (stale names freed by this claim) in the same batch.
   */
  async putName(
    entry: { name: string; skeleton: string; owner: string; record: Uint8Array },
    options: {
      replaces?: Array<{ name: string; skeleton: string; owner: string }>
      inviteHash?: string
      /** The sign-up verification's address hash, bound to the owner. */
      addressHash?: string
    } = {},
  ): Promise<void> {
    const operations: BatchOperation[] = []
    for (const stale of options.replaces ?? []) operations.push(...this.removal(stale))
    operations.push(
      { type: 'put', key: `n!${entry.name}`, value: entry.record },
      { type: 'put', key: `s!${entry.skeleton}`, value: encoder.encode(entry.name) },
      { type: 'put', key: `o!${entry.owner}`, value: encoder.encode(entry.name) },
    )
    if (options.inviteHash != null) {
      operations.push({ type: 'put', key: `i!${options.inviteHash}`, value: Uint8Array.of(1) })
    }
    if (options.addressHash != null) {
      const key = `h!${options.addressHash}!${entry.owner}`
      operations.push({ type: 'put', key, value: Uint8Array.of(1) })
    }
    await this.db.batch(operations, SYNCED)
  }

  /**
   * Moves a name from `from` (an earlier key of the account) to `entry.owner` in one synced
   * batch, removing the entries of `replaces` (the new key's lapsed name) with it, and
   * remembers where the old key's name went.
   */
  async moveName(
    entry: { name: string; skeleton: string; owner: string; record: Uint8Array },
    options: {
      from: { name: string; skeleton: string; owner: string }
      replaces: Array<{ name: string; skeleton: string; owner: string }>
      /** The account's pin after the move. */
      pin?: NamePin
    },
  ): Promise<void> {
    const operations: BatchOperation[] = [
      ...this.removal(options.from),
      ...options.replaces.flatMap((stale) => this.removal(stale)),
      { type: 'put', key: `n!${entry.name}`, value: entry.record },
      { type: 'put', key: `s!${entry.skeleton}`, value: encoder.encode(entry.name) },
      { type: 'put', key: `o!${entry.owner}`, value: encoder.encode(entry.name) },
      { type: 'put', key: `m!${options.from.owner}`, value: encoder.encode(entry.owner) },
      ...(options.pin == null ? [] : this.pinning(entry.name, options.pin)),
    ]
    await this.db.batch(operations, SYNCED)
  }

  /** The commitment pinned for a name's account, if any. */
  async pinOf(name: string): Promise<NamePin | undefined> {
    const text = await this.text(`k!${name}`)
    return text == null ? undefined : (JSON.parse(text) as NamePin)
  }

  /** The name pinned for the account whose first key is `firstHex`, with its pin. */
  async pinnedFor(firstHex: string): Promise<{ name: string; pin: NamePin } | undefined> {
    const name = await this.text(`f!${firstHex}`)
    const pin = name == null ? undefined : await this.pinOf(name)
    return pin == null || pin.first !== firstHex ? undefined : { name: name!, pin }
  }

  /** Pins `pin` for `name`, synced. */
  async putPin(name: string, pin: NamePin): Promise<void> {
    await this.db.batch(this.pinning(name, pin), SYNCED)
  }

  /** The key `ownerHex`'s name moved to after a key rotation, if it did. */
  async movedTo(ownerHex: string): Promise<string | undefined> {
    return this.text(`m!${ownerHex}`)
  }

  /** Removes a name, its indexes and its owner's profile, synced. */
  async removeName(entry: { name: string; skeleton: string; owner: string }): Promise<void> {
    await this.db.batch(this.removal(entry), SYNCED)
  }

  /** The identities a verified sign-up address was used for (by its hash). */
  async ownersOfAddress(addressHash: string): Promise<string[]> {
    const prefix = `h!${addressHash}!`
    const owners: string[] = []
    for await (const key of this.db.keys({ gte: prefix, lt: `${prefix}\uffff` })) {
      owners.push(key.slice(prefix.length))
    }
    return owners
  }

  async putProfile(ownerHex: string, profile: Uint8Array): Promise<void> {
    await this.db.put(`p!${ownerHex}`, profile, SYNCED)
  }

  async announcementOf(ownerHex: string): Promise<Uint8Array | undefined> {
    return (await this.db.get(`a!${ownerHex}`)) ?? undefined
  }

  /** Not synced: losing the newest announcement in a crash only delays a superseded notice. */
  async putAnnouncement(ownerHex: string, announcement: Uint8Array): Promise<void> {
    await this.db.put(`a!${ownerHex}`, announcement)
  }

  /**
   * Names starting with `prefix`, in order: at most `limit` of those `accept` keeps, looking
   * at no more than `maxScanned` names.
   */
  async namesWithPrefix(
    prefix: string,
    limit: number,
    maxScanned: number,
    accept: (name: StoredName) => Promise<boolean>,
  ): Promise<StoredName[]> {
    const found: StoredName[] = []
    const range = { gte: `n!${prefix}`, lt: `n!${prefix}\uffff`, limit: maxScanned }
    for await (const record of this.db.values(range)) {
      const stored = readStoredName(record)
      if (await accept(stored)) found.push(stored)
      if (found.length >= limit) break
    }
    return found
  }

  /** How many names are stored (registered, or expired and still in their grace time). */
  async count(): Promise<number> {
    let names = 0
    for await (const _ of this.db.keys({ gte: 'n!', lt: 'n!\uffff' })) names++
    return names
  }

  /** Every stored name, for republishing into the DHT. */
  async *all(): AsyncGenerator<StoredName> {
    for await (const record of this.db.values({ gte: 'n!', lt: 'n!\uffff' })) {
      yield readStoredName(record)
    }
  }

  private removal(entry: { name: string; skeleton: string; owner: string }): BatchOperation[] {
    return [
      { type: 'del', key: `n!${entry.name}` },
      { type: 'del', key: `s!${entry.skeleton}` },
      { type: 'del', key: `o!${entry.owner}` },
      { type: 'del', key: `p!${entry.owner}` },
      { type: 'del', key: `k!${entry.name}` },
    ]
  }

  private pinning(name: string, pin: NamePin): BatchOperation[] {
    return [
      { type: 'put', key: `k!${name}`, value: encoder.encode(JSON.stringify(pin)) },
      { type: 'put', key: `f!${pin.first}`, value: encoder.encode(name) },
    ]
  }

  private async text(key: string): Promise<string | undefined> {
    const value = await this.db.get(key)
    return value == null ? undefined : decoder.decode(value)
  }
}

function readStoredName(bytes: Uint8Array): StoredName {
  const signed = SignedRecord.decode(bytes)
  const record = NameRecord.decode(signed.payload)
  return {
    name: record.name,
    owner: toHex(record.publicKey),
    issuedMs: Number(record.issuedMs),
    expiresMs: Number(record.expiresMs),
    record: bytes,
  }
}
