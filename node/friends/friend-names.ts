/**
 * Who a person is, by name or key, for the friends component. A name is only ever one the
 * directory confirmed for the key (or one we stored from such a confirmation): naming someone
 * looks first among the people we know (friends, requests, blocked), so naming a friend needs
 * no relay, and only then asks the directory, which verifies the owner. A name that fits
 * several people we know resolves to none of them.
 */
import type { Logger } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { fromHex, toHex } from '../../protocol/bytes.ts'
import type { PeerRef } from '../../protocol/local-api.ts'
import { peerIdOf } from '../identity/index.ts'
import { InvalidPeerError, UserNotFoundError } from './errors.ts'
import type { FriendStore } from './friend-store.ts'
import type { FriendDirectory } from './friends-contract.ts'

export class FriendNames {
  readonly #store: FriendStore
  readonly #directory: FriendDirectory | undefined
  readonly #lookupTimeoutMs: number
  readonly #log: Logger

  constructor(
    store: FriendStore,
    directory: FriendDirectory | undefined,
    lookupTimeoutMs: number,
    log: Logger,
  ) {
    this.#store = store
    this.#directory = directory
    this.#lookupTimeoutMs = lookupTimeoutMs
    this.#log = log
  }

  /**
   * The directory's name for `claim` when it belongs to `peerHex`'s key; undefined, with a
   * log line, when it belongs to another key or cannot be checked now. Never rejects.
   */
  async claimOwner(peerHex: string, claim: string): Promise<string | undefined> {
    const directory = this.#directory
    if (directory == null) return undefined
    try {
      const found = await directory.lookup(claim, {
        signal: AbortSignal.timeout(this.#lookupTimeoutMs),
      })
      if (found.publicKey.toLowerCase() !== peerHex) {
        this.#log.error('%s claims the name %s, which is not theirs', peerHex, claim)
        return undefined
      }
      return found.scopedName
    } catch (err) {
      this.#log('could not check the name %s: %s', claim, (err as Error).message)
      return undefined
    }
  }

  /**
   * `ref` as a key: a hex key or peer id as such; a name first among the people we know
   * (friends, requests, blocked), then through the directory, which verifies the owner.
   */
  async resolve(ref: string): Promise<{ hex: string; name: string | null }> {
    const value = ref.trim()
    if (value === '') {
      throw new InvalidPeerError('name someone: a username, a peer id or a hex public key')
    }
    if (/^[0-9a-f]{64}$/i.test(value)) {
      const peerHex = value.toLowerCase()
      return { hex: peerHex, name: this.knownName(peerHex) }
    }
    const peerId = parsePeerId(value)
    if (peerId !== undefined) {
      if (peerId?.publicKey?.type !== 'Ed25519') {
        throw new InvalidPeerError(`${value} is not a TokenIM identity (Ed25519 peer id)`)
      }
      const peerHex = toHex(peerId.publicKey.raw)
      return { hex: peerHex, name: this.knownName(peerHex) }
    }
    const known = this.findByName(value)
    if (known != null) return known
    const directory = this.#directory
    if (directory == null) {
      throw new UserNotFoundError(`cannot look up "${value}": this node has no username directory`)
    }
    try {
      const found = await directory.lookup(value, {
        signal: AbortSignal.timeout(this.#lookupTimeoutMs),
      })
      return { hex: found.publicKey.toLowerCase(), name: found.scopedName }
    } catch (err) {
      if ((err as Error).name === 'NameNotFoundError') {
        throw new UserNotFoundError(`no user named "${value}" in the directory`)
      }
      throw err
    }
  }

  /** The one person we know by `name` (`alice` or `alice@<relay>`); undefined when none or several. */
  findByName(name: string): { hex: string; name: string } | undefined {
    const wanted = name.toLowerCase()
    const matches = new Map<string, string>()
    for (const table of ['friends', 'incoming', 'outgoing', 'blocked'] as const) {
      for (const [key, record] of this.#store.entries(table)) {
        const known = record.name
        if (known != null && (known === wanted || known.split('@')[0] === wanted)) {
          matches.set(key, known)
        }
      }
    }
    if (matches.size !== 1) return undefined
    const [[key, known]] = matches
    return { hex: key, name: known }
  }

  knownName(peerHex: string): string | null {
    return (
      this.#store.get('friends', peerHex)?.name ??
      this.#store.get('incoming', peerHex)?.name ??
      this.#store.get('outgoing', peerHex)?.name ??
      this.#store.get('blocked', peerHex)?.name ??
      null
    )
  }

  /** The peer as the API names it, with the verified name we know. */
  ref(peerHex: string, name: string | null = this.knownName(peerHex)): PeerRef {
    return {
      peerId: peerIdOf({ publicKey: fromHex(peerHex) }).toString(),
      publicKey: peerHex,
      name,
    }
  }
}

/** How an error message names someone: as the user typed it, or a short key. */
export function describe(input: string, peerHex: string): string {
  return input.trim() === peerHex ? `${peerHex.slice(0, 12)}…` : input.trim()
}

/** undefined: not a peer id at all; null-ish key: a peer id of another key type. */
function parsePeerId(value: string) {
  try {
    return peerIdFromString(value)
  } catch {
    return undefined
  }
}
