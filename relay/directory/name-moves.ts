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
 * The commitment is pinned at first sight (`pin`): once a name is claimed or renewed, the
 * commitment its holder's device list carries is kept with the name (or, for a name never
 * pinned, the one its first move is judged by), and every later move of that account is
 * judged by it alone, so a thief holding the account key who publishes a device list with a
 * commitment of its own, or rotates naming one, gets nothing here. A chain that made more
 * recoveries than the pin counts moves the name from whichever key holds it now (a recovery
 * supersedes every rotation since the commitment): what a thief moved with a stolen key comes
 * back. A chain with fewer moves nothing.
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
import { fromHex, toHex } from '../../protocol/bytes.ts'
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
import type { NamePin, NameStore } from './name-store.ts'
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
  /** A name's commitment was pinned (for the relay's events). */
  pinned?(name: string, ownerHex: string): void
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
    const first = carriedFirstKey(statements)
    const pinned = first == null ? undefined : await names.pinnedFor(toHex(first))
    const commitment = pinned
      ? fromHex(pinned.pin.commitment)
      : await this.commitmentFor(statements)
    const chain = admission.counted(caller, () =>
      checkStatements(statements, commitment, pinned != null),
    )
    const newHex = toHex(chain.current)
    const { name, from } = await this.source(chain, pinned)
    // First sight for a name never pinned: the commitment this move was judged by.
    const start = commitment ?? (chain.recoveries === 0 ? chain.commitment : undefined)
    const pin =
      start == null || start.length === 0 || first == null
        ? undefined
        : { first: toHex(first), commitment: toHex(start), recoveries: chain.recoveries }
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
          { from: entryOf(held), replaces: other == null ? [] : [entryOf(other)], pin },
        )
        return signed
      },
    )
    this.context.log('moved "%s" from %s to %s after a key change', name, from, newHex)
    this.context.publish(name, record, { change: 'moved', peer: newHex })
    return { nameRecord: wireBytes(record) }
  }

  /**
   * After a name was claimed or renewed by `ownerHex`: pins the commitment its device list
   * carries, unless the name has a pin already (first sight wins) or the list carries none.
   */
  async pin(name: string, ownerHex: string): Promise<void> {
    const { names, commitmentOf } = this.context
    if ((await names.pinOf(name)) != null || commitmentOf == null) return
    const commitment = await commitmentOf(fromHex(ownerHex)).catch(() => undefined)
    if (commitment == null) return
    await this.context.locks.runExclusive([`s:${usernameSkeleton(name)}`], async () => {
      const held = await names.byName(name)
      if (held?.owner !== ownerHex || (await names.pinOf(name)) != null) return
      await names.putPin(name, { first: ownerHex, commitment: toHex(commitment), recoveries: 0 })
      this.context.log('pinned the recovery commitment of "%s"', name)
      this.context.pinned?.(name, ownerHex)
    })
  }

  /** The name the move takes, and the key it takes it from. */
  private async source(
    chain: CheckedChain,
    pinned: { name: string; pin: NamePin } | undefined,
  ): Promise<{ name: string; from: string }> {
    const { names } = this.context
    if (pinned != null && chain.recoveries < pinned.pin.recoveries) {
      throw new NameNotFoundError('these key statements are older than the account’s last recovery')
    }
    if (pinned != null && chain.recoveries > pinned.pin.recoveries) {
      const held = await names.byName(pinned.name)
      if (held != null) return { name: pinned.name, from: held.owner }
    }
    for (const key of chain.retired) {
      const name = await names.nameOfOwner(toHex(key))
      if (name != null) return { name, from: toHex(key) }
    }
    throw new NameNotFoundError('no earlier key of this account holds a name on this relay')
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

interface CheckedChain {
  current: Uint8Array
  /** The commitment in force at the chain's end. */
  commitment: Uint8Array
  /** The keys that held the account before, newest first. */
  retired: Uint8Array[]
  recoveries: number
}

/**
 * The account's chain from its first key, as a carried chain (`pinned`: the commitment alone
 * starts it); refused (ClaimRefusedError) when a statement does not verify or none takes the
 * account anywhere.
 */
function checkStatements(
  statements: KeyStatementInput[],
  commitment: Uint8Array | undefined,
  pinned: boolean,
): CheckedChain {
  if (statements.length === 0 || statements.length > MAX_NAME_MOVE_ROTATIONS) {
    throw new DirectoryRequestError(
      `a name move carries 1 to ${MAX_NAME_MOVE_ROTATIONS} key statements`,
    )
  }
  let chain: KeyChain
  try {
    chain = resolveCarriedChain(statements, commitment, { pinned })
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err
    throw new ClaimRefusedError(`the key statements do not verify: ${err.message}`)
  }
  if (chain.retired.length === 0) {
    throw new ClaimRefusedError('the key statements do not move the account')
  }
  return {
    current: chain.current,
    commitment: chain.commitment,
    retired: [...chain.retired].reverse(),
    recoveries: chain.applied.filter((statement) => statement.kind === 'recovery').length,
  }
}
