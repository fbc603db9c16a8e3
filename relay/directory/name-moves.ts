/**
 * Moving a name to an account's new key after key rotations (doc/accounts.md, "Key
 * rotation on the node"). The request carries the account's rotation statements from its
 * first key, each signed by its old key (which hands the account over) and its new key
 * (which accepts it); they are the whole authority, so anyone may carry them and no
 * challenge is needed. The relay resolves them with the protocol's key-chain rules: the
 * name moves only from a key the chain retired to the key that holds the account now.
 *
 * How it is kept: under the claim locks of the name's skeleton and both keys (the same locks
 * a registration takes), the old key's entry is replaced by the new key's in one synced
 * batch, with the name's expiry unchanged (a move is not a renewal), and the old key is
 * remembered as moved, so a verified sign-up address keeps counting the name it was used for
 * and the retired key cannot claim a name here again. A forged statement counts towards the
 * carrier's lockout like a forged claim; every request is paced like a registration.
 */
import type { Logger } from '@libp2p/interface'
import { openKeyStatement, resolveKeyChain } from '../../protocol/accounts/index.ts'
import { toHex } from '../../protocol/bytes.ts'
import type { Ed25519KeyPair } from '../../protocol/crypto/index.ts'
import { signNameRecord, wireBytes } from '../../protocol/directory.ts'
import {
  AlreadyRegisteredError,
  ClaimRefusedError,
  DirectoryRequestError,
  NameNotFoundError,
} from '../../protocol/directory-errors.ts'
import { ProtocolError } from '../../protocol/errors.ts'
import { MAX_NAME_MOVE_ROTATIONS } from '../../protocol/limits.ts'
import type { DirectoryResponse } from '../../protocol/proto/directory.ts'
import { usernameSkeleton } from '../../protocol/username.ts'
import type { Admission } from './admission.ts'
import type { Caller } from './caller.ts'
import { entryOf } from './claim-rules.ts'
import type { KeyedMutex } from './keyed-mutex.ts'
import type { NameChange } from './name-claims.ts'
import type { NameStore } from './name-store.ts'
import type { Clock } from './rate-limiter.ts'

export interface NameMovesContext {
  names: NameStore
  relayKey: Ed25519KeyPair
  /** After expiry, only the old owner may renew for this long. */
  graceMs: number
  admission: Admission
  locks: KeyedMutex
  clock: Clock
  log: Logger
  /** Puts a name's new record into the DHT, in the background, and tells what changed. */
  publish(name: string, record: Uint8Array, change: NameChange): void
}

export class NameMoves {
  private readonly context: NameMovesContext

  constructor(context: NameMovesContext) {
    this.context = context
  }

  /** Moves the name an earlier key of the account holds to its current key. */
  async move(caller: Caller, rotations: Uint8Array[]): Promise<Partial<DirectoryResponse>> {
    const { admission, names, relayKey } = this.context
    admission.admit(caller, 'register')
    const chain = admission.counted(caller, () => checkRotations(rotations))
    const newHex = toHex(chain.current)
    let oldHex: string | undefined
    let heldName: string | undefined
    for (const key of chain.retired) {
      heldName = await names.nameOfOwner(toHex(key))
      oldHex = toHex(key)
      if (heldName != null) break
    }
    if (heldName == null || oldHex == null) {
      throw new NameNotFoundError('no earlier key of this account holds a name on this relay')
    }
    const name = heldName
    const from = oldHex
    const skeleton = usernameSkeleton(name)
    const record = await this.context.locks.runExclusive(
      [`s:${skeleton}`, `o:${from}`, `o:${newHex}`],
      async () => {
        const held = await names.byName(name)
        if (held == null || held.owner !== from) {
          throw new NameNotFoundError('no earlier key of this account holds a name on this relay')
        }
        const now = this.context.clock()
        const otherName = await names.nameOfOwner(newHex)
        const other = otherName == null ? undefined : await names.byName(otherName)
        const live = other != null && other.expiresMs + this.context.graceMs > now
        if (other != null && live) {
          throw new AlreadyRegisteredError(
            `the new key already holds "${other.name}" on this relay; release it, then move "${name}" again`,
          )
        }
        const signed = signNameRecord(relayKey, {
          name,
          publicKey: chain.current,
          relayPublicKey: relayKey.publicKey,
          issuedMs: now,
          expiresMs: Math.max(now + 1, held.expiresMs),
        })
        await names.moveName(
          { name, skeleton, owner: newHex, record: signed },
          { from: entryOf(held), replaces: other == null ? [] : [entryOf(other)] },
        )
        return signed
      },
    )
    this.context.log('moved "%s" from %s to %s after a key rotation', name, from, newHex)
    this.context.publish(name, record, { change: 'moved', peer: newHex })
    return { nameRecord: wireBytes(record) }
  }
}

/**
 * The account's chain from its first rotation's old key, by the key-chain rules; refused
 * (ClaimRefusedError) when a statement does not verify or none takes the account anywhere.
 * `retired` lists the keys that held the account before, newest first.
 */
function checkRotations(rotations: Uint8Array[]): { current: Uint8Array; retired: Uint8Array[] } {
  if (rotations.length === 0 || rotations.length > MAX_NAME_MOVE_ROTATIONS) {
    throw new DirectoryRequestError(
      `a name move carries 1 to ${MAX_NAME_MOVE_ROTATIONS} key rotations`,
    )
  }
  const opened = rotations.map((rotation) => {
    try {
      return openKeyStatement('rotation', rotation)
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err
      throw new ClaimRefusedError(`a key rotation does not verify: ${err.message}`)
    }
  })
  const first = opened.find((statement) => statement.sequence === 1)
  if (first == null) {
    throw new ClaimRefusedError("a name move needs the account's rotations from its first key")
  }
  // A rotation cannot change the commitment, so the first one names the chain's start.
  const chain = resolveKeyChain(
    { account: first.oldKey, commitment: first.nextRecovery },
    rotations.map((record) => ({ kind: 'rotation' as const, record })),
  )
  if (chain.retired.length === 0) {
    throw new ClaimRefusedError('the key rotations do not move the account')
  }
  return { current: chain.current, retired: [...chain.retired].reverse() }
}
