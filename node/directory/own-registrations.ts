/**
 * This node's own names, as the relays issued them: one record per relay in the directory's
 * sublevel, with the relay's addresses beside it, so a renewal after a restart can dial the
 * relay before anything else told us where it is.
 *
 * Guarantees, and how they are kept:
 * - A saved registration survives a crash: each is one synced put.
 * - A stored record that no longer verifies (the relay's signature, the name rules) is
 *   logged and skipped, never fatal and never believed: `own()` opens every record again
 *   with the same checks as a record from the network (expiry aside: an expired name is
 *   still ours to renew).
 */
import type { Logger, PeerId, PeerStore } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { type NameRecordFields, openNameRecord } from '../../protocol/directory.ts'
import type { AppLevel } from '../storage.ts'
import type { RelayTarget } from './directory-client.ts'

interface Registration {
  /** Base64 of the relay-signed record. */
  record: string
  relayAddresses: string[]
}

/** One of this node's names, verified, with the addresses of the relay that issued it. */
export interface OwnName {
  relay: string
  record: NameRecordFields
  addresses: string[]
}

const REGISTRATION_PREFIX = 'reg!'

export class OwnRegistrations {
  readonly #store: AppLevel
  readonly #peerStore: Pick<PeerStore, 'get'>
  readonly #log: Logger

  constructor(store: AppLevel, peerStore: Pick<PeerStore, 'get'>, log: Logger) {
    this.#store = store
    this.#peerStore = peerStore
    this.#log = log
  }

  /** This node's registrations; one that no longer verifies is logged and skipped. */
  async own(): Promise<OwnName[]> {
    const own: OwnName[] = []
    for (const [relay, registration] of await this.#stored()) {
      try {
        const record = openNameRecord(Buffer.from(registration.record, 'base64'), {
          allowExpired: true,
        })
        own.push({ relay, record, addresses: registration.relayAddresses })
      } catch (err) {
        this.#log.error('ignoring the stored registration on %s - %e', relay, err)
      }
    }
    return own
  }

  /** Stores the record `relay` issued, with the relay's addresses as known now. */
  async save(relay: RelayTarget, record: Uint8Array): Promise<void> {
    const known = relay.addresses ?? (await this.#addressesOf(relay.peerId))
    const registration: Registration = {
      record: Buffer.from(record).toString('base64'),
      relayAddresses: known.map((ma) => ma.toString()),
    }
    await this.#store.put(
      `${REGISTRATION_PREFIX}${relay.peerId.toString()}`,
      new TextEncoder().encode(JSON.stringify(registration)),
      { sync: true } as object,
    )
  }

  /** Forgets the name held on `relay` (released). */
  async remove(relay: string): Promise<void> {
    await this.#store.del(`${REGISTRATION_PREFIX}${relay}`)
  }

  async #stored(): Promise<Array<[string, Registration]>> {
    const entries: Array<[string, Registration]> = []
    const decoder = new TextDecoder()
    for await (const [key, value] of this.#store.iterator({
      gte: REGISTRATION_PREFIX,
      lt: `${REGISTRATION_PREFIX}\uffff`,
    })) {
      try {
        entries.push([
          key.slice(REGISTRATION_PREFIX.length),
          JSON.parse(decoder.decode(value)) as Registration,
        ])
      } catch (err) {
        this.#log.error('ignoring an unreadable stored registration %s - %e', key, err)
      }
    }
    return entries
  }

  async #addressesOf(peerId: PeerId): Promise<Multiaddr[]> {
    try {
      return (await this.#peerStore.get(peerId)).addresses.map((entry) => entry.multiaddr)
    } catch {
      return []
    }
  }
}
