/**
 * Moving a name to an account's new key after key rotations or a recovery (doc/accounts.md,
 * "Key rotation on the node"). The request carries the account's key statements from its
 * first key: rotations, each signed by its old key (which hands the account over) and its
 * new key (which accepts it), and recoveries, signed by the committed recovery key and the
 * new key. They are the whole authority, so anyone may carry them and no challenge is
 * needed. The relay resolves them as a carried chain (protocol/accounts/carried-chain.ts):
 * the commitment a recovery answers is the one the first key's own rotation names, or else
 * the one its device list in the DHT carries (`commitmentOf`). The name moves only from a
 * key the chain retired to the key that holds the account now.
 *
 * How it is kept: under the claim locks of the name's skeleton and both keys (the same locks
 * a registration takes), the old key's entry is replaced by the new key's in one synced
 * batch, with the name's expiry unchanged (a move is not a renewal), and the old key is
 * remembered as moved, so a verified sign-up address keeps counting the name it was used for
 * and the retired key cannot claim a name here again. A forged statement counts towards the
 * carrier's lockout like a forged claim; every request is paced like a registration.
 */
import type { Logger } from '@libp2p/interface'
import {
  carriedFirstKey,
  type KeyChain,
  type KeyStatementInput,
  resolveCarriedChain,
} from '../../protocol/accounts/index.ts'
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
  /** The recovery commitment the account's device list in the DHT carries, if found. */
  commitmentOf?(account: Uint8Array): Promise<Uint8Array | undefined>
}

export class NameMoves {
  private readonly context: NameMovesContext

  constructor(context: NameMovesContext) {
    this.context = context
  }

  /** Moves the name an earlier key of the account holds to its current key. */
  async move(
    caller: Caller,
    rotations: Uint8Array[],
    recoveries: Uint8Array[] = [],
  ): Promise<Partial<DirectoryResponse>> {
    const { admission, names, relayKey } = this.context
    admission.admit(caller, 'register')
    const statements = [
      ...rotations.map((record) => ({ kind: 'rotation' as const, record })),
      ...recoveries.map((record) => ({ kind: 'recovery' as const, record })),
    ]
    const commitment = await this.commitmentFor(statements)
    const chain = admission.counted(caller, () => checkStatements(statements, commitment))
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
    this.context.log('moved "%s" from %s to %s after a key change', name, from, newHex)
    this.context.publish(name, record, { change: 'moved', peer: newHex })
    return { nameRecord: wireBytes(record) }
  }

  /** For a move with recoveries: the commitment of the account's first key, from the DHT. */
  private async commitmentFor(statements: KeyStatementInput[]): Promise<Uint8Array | undefined> {
    if (!statements.some((statement) => statement.kind === 'recovery')) return undefined
    const first = carriedFirstKey(statements)
    if (first == null || this.context.commitmentOf == null) return undefined
    return this.context.commitmentOf(first).catch((err: Error) => {
      this.context.log('no device list found for a recovery move: %s', err.message)
      return undefined
    })
  }
}

/**
 * The account's chain from its first key, as a carried chain; refused (ClaimRefusedError)
 * when a statement does not verify or none takes the account anywhere. `retired` lists the
 * keys that held the account before, newest first.
 */
function checkStatements(
  statements: KeyStatementInput[],
  commitment: Uint8Array | undefined,
): { current: Uint8Array; retired: Uint8Array[] } {
  if (statements.length === 0 || statements.length > MAX_NAME_MOVE_ROTATIONS) {
    throw new DirectoryRequestError(
      `a name move carries 1 to ${MAX_NAME_MOVE_ROTATIONS} key statements`,
    )
  }
  let chain: KeyChain
  try {
    chain = resolveCarriedChain(statements, commitment)
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err
    throw new ClaimRefusedError(`the key statements do not verify: ${err.message}`)
  }
  if (chain.retired.length === 0) {
    throw new ClaimRefusedError('the key statements do not move the account')
  }
  return { current: chain.current, retired: [...chain.retired].reverse() }
}
