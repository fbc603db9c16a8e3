/**
 * The keystore's side of a key rotation: the account's key chain on disk, and a rotation
 * that a crash at any point leaves with the old key or the new key usable, never neither.
 *
 * Files beside `identity.key`:
 * - `identity.chain.json`: the account's original key, its initial recovery commitment and
 *   every rotation and recovery statement it made, in order (written at `init` when the
 *   account commits to a recovery key, else at the first rotation). The statements are signed, so the file is
 *   checked by the key-chain resolver each time it is read, and its current key must be the
 *   sealed key's. Once the account rotated, it also holds the at-rest root (the original
 *   seed, which keys the data folder: `Identity.atRestSeed`) sealed under the current key.
 * - `identity.rotation.json`, only while a rotation or a recovery is under way: the
 *   statement and the new key already sealed. Once this file is written the rotation rolls forward: every later
 *   read of the keystore finishes it (`settle`), so the new key is never lost.
 *
 * A rotation is: (1) the pending file, written atomically; then `settle`: (2) the statement
 * appended to the chain file, (3) `identity.key` replaced by the new sealed key if it still
 * holds the old one, (4) the pending file removed. Steps 2–4 are idempotent, so a crash
 * between any two of them is repaired by running them again. Before step 1 completes,
 * nothing changed: the old key stays.
 */
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import {
  type KeyStatementKind,
  type OpenedKeyStatement,
  openKeyStatement,
  resolveKeyChain,
} from '../../protocol/accounts/index.ts'
import { bytesEqual, fromHex, toHex } from '../../protocol/bytes.ts'
import { aeadKey, aeadOpen, aeadSeal, hkdfSha256 } from '../../protocol/crypto/index.ts'
import { KeystoreCorruptedError } from '../errors.ts'
import { readFileIfExists, writeFileAtomic } from './atomic-file.ts'
import type { Identity } from './identity.ts'

export const KEY_CHAIN_FILE = 'identity.chain.json'
export const PENDING_ROTATION_FILE = 'identity.rotation.json'
const CHAIN_FORMAT = 'tokenim-key-chain'
const utf8 = new TextEncoder()

/** The writes a rotation makes, one call per step; tests put a failure at each one. */
export interface RotationSteps {
  writePending(path: string, data: Uint8Array): Promise<void>
  writeChain(path: string, data: Uint8Array): Promise<void>
  writeKey(path: string, data: Uint8Array): Promise<void>
  removePending(path: string): Promise<void>
}

export const DURABLE_STEPS: RotationSteps = {
  writePending: writeFileAtomic,
  writeChain: writeFileAtomic,
  writeKey: writeFileAtomic,
  removePending: (path) => rm(path, { force: true }),
}

/** The account's keys as this keystore knows them. */
export interface StoredKeyChain {
  /** The key the account started with (the current key until the first rotation). */
  account: Uint8Array
  /** SHA-256 of the first recovery key, or empty while the account has none. */
  initialCommitment: Uint8Array
  /** SHA-256 of the recovery key in force now (the first one until a recovery), or empty. */
  commitment: Uint8Array
  /** The rotation statements of the chain, oldest first (records as they travel). */
  rotations: Uint8Array[]
  /** The recovery statements of the chain, oldest first: how many recovery keys were used. */
  recoveries: Uint8Array[]
  /** The first key of the current epoch (the original key, or the last recovery's new key) and its sequence. */
  epoch: { key: Uint8Array; sequence: number }
  /** The key that holds the account now. */
  current: Uint8Array
  /** Keys that held the account before: good for checking old signatures, nothing new. */
  retired: Uint8Array[]
  sequence: number
  /** The at-rest root sealed under the current key (`sealAtRestRoot`); none before a rotation. */
  atRestRoot?: Uint8Array
}

interface PendingRotation {
  statement: OpenedKeyStatement
  sealedKey: Uint8Array
  atRestRoot: Uint8Array
}

const AT_REST_ROOT_LABEL = 'tokenim/identity/at-rest-root'

/** Seals the at-rest root under `key`'s seed, for the chain file. */
export function sealAtRestRoot(key: Identity, root: Uint8Array): Uint8Array {
  return aeadSeal(atRestRootKey(key), root, utf8.encode(AT_REST_ROOT_LABEL))
}

/** The identity with its at-rest root opened; KeystoreCorruptedError if it does not open. */
export function withAtRestRoot(identity: Identity, chain: StoredKeyChain, path: string): Identity {
  if (chain.atRestRoot == null) return identity
  try {
    const root = aeadOpen(
      atRestRootKey(identity),
      chain.atRestRoot,
      utf8.encode(AT_REST_ROOT_LABEL),
    )
    return { ...identity, atRestSeed: root }
  } catch {
    throw new KeystoreCorruptedError(path, 'its at-rest root does not open with the current key')
  }
}

function atRestRootKey(key: Identity) {
  return aeadKey(hkdfSha256(key.privateKey, new Uint8Array(0), AT_REST_ROOT_LABEL, 32))
}

/** Reads and writes the chain and pending files of one keystore folder. */
export class RotationJournal {
  readonly chainPath: string
  readonly pendingPath: string
  readonly #keyPath: string
  readonly #steps: RotationSteps

  constructor(dir: string, keyFile: string, steps: RotationSteps = DURABLE_STEPS) {
    this.#keyPath = join(dir, keyFile)
    this.chainPath = join(dir, KEY_CHAIN_FILE)
    this.pendingPath = join(dir, PENDING_ROTATION_FILE)
    this.#steps = steps
  }

  /**
   * The chain; without a chain file, the one-key chain of `sealedPublicKey`. Throws
   * KeystoreCorruptedError when the file does not resolve to the sealed key.
   */
  async chain(sealedPublicKey: Uint8Array): Promise<StoredKeyChain> {
    const text = await readFileIfExists(this.chainPath)
    if (text == null) return chainOf(sealedPublicKey, new Uint8Array(0), [])
    const stored = parseChainFile(text, this.chainPath)
    const chain = {
      ...chainOf(stored.account, stored.commitment, statementsOf(stored)),
      atRestRoot: stored.atRestRoot,
    }
    if (!bytesEqual(chain.current, sealedPublicKey)) {
      throw new KeystoreCorruptedError(this.chainPath, 'its current key is not the sealed key')
    }
    return chain
  }

  /**
   * Before another identity is saved in this folder (create, import, restore): no rotation
   * under way may roll forward over it, and a chain of another key is dropped.
   */
  async reset(publicKey: Uint8Array): Promise<void> {
    await rm(this.pendingPath, { force: true })
    const text = await readFileIfExists(this.chainPath)
    if (text == null) return
    const stored = parseChainFile(text, this.chainPath)
    const chain = chainOf(stored.account, stored.commitment, statementsOf(stored))
    if (!bytesEqual(chain.current, publicKey)) await rm(this.chainPath, { force: true })
  }

  /**
   * Sets the recovery commitment of an account that has made no statement yet (a new
   * account, or an older one committing once). The caller checked that none is set.
   */
  async commit(account: Uint8Array, commitment: Uint8Array): Promise<void> {
    const chain = chainOf(account, commitment, [])
    await this.#steps.writeChain(this.chainPath, chainFileBytes(chain, []))
  }

  /**
   * Makes this folder's key the recovered account's (recovery through friends, on a new
   * machine): the chain starts at the account's key and first commitment, and `recovery`
   * moves it to the key sealed here. Throws KeystoreCorruptedError if it would not.
   */
  async adopt(account: Uint8Array, commitment: Uint8Array, recovery: Uint8Array): Promise<void> {
    const statements = [{ kind: 'recovery' as const, record: recovery }]
    const chain = chainOf(account, commitment, statements)
    if (chain.recoveries.length !== 1) {
      throw new KeystoreCorruptedError(this.chainPath, 'the recovery does not fit the account')
    }
    await this.#steps.writeChain(this.chainPath, chainFileBytes(chain, statements))
  }

  /** Step 1: from here on the rotation (or recovery) will complete. */
  async begin(
    statement: Uint8Array,
    sealedKey: Uint8Array,
    atRestRoot: Uint8Array,
    kind: KeyStatementKind = 'rotation',
  ): Promise<void> {
    const text = JSON.stringify({
      kind,
      statement: toHex(statement),
      sealedKey: toHex(sealedKey),
      atRestRoot: toHex(atRestRoot),
    })
    await this.#steps.writePending(this.pendingPath, new TextEncoder().encode(text))
  }

  /**
   * Steps 2–4 of a rotation under way, if one is. `replaceKey(oldKey, sealedKey)` writes the
   * new sealed key unless the keystore no longer holds `oldKey` (it is past step 3).
   */
  async settle(
    sealedPublicKey: () => Promise<Uint8Array>,
    replaceKey: (write: () => Promise<void>) => Promise<void>,
  ): Promise<void> {
    const pending = await this.#pending()
    if (pending == null) return
    const { statement, sealedKey, atRestRoot } = pending
    const chain = await this.#chainBefore(statement, await sealedPublicKey())
    if (chain != null) {
      const statements = [
        ...statementsOf(chain),
        { kind: statement.kind, record: statement.record },
      ]
      await this.#steps.writeChain(this.chainPath, chainFileBytes(chain, statements, atRestRoot))
    }
    await replaceKey(async () => {
      if (!bytesEqual(await sealedPublicKey(), statement.newKey)) {
        await this.#steps.writeKey(this.#keyPath, sealedKey)
      }
    })
    await this.#steps.removePending(this.pendingPath)
  }

  /** The chain the statement extends, or undefined when the chain file has it already. */
  async #chainBefore(
    statement: OpenedKeyStatement,
    sealedPublicKey: Uint8Array,
  ): Promise<StoredKeyChain | undefined> {
    const text = await readFileIfExists(this.chainPath)
    if (text == null) return chainOf(statement.oldKey, new Uint8Array(0), [])
    const stored = parseChainFile(text, this.chainPath)
    const known = statementsOf(stored)
    if (known.some(({ record }) => bytesEqual(record, statement.record))) return undefined
    const chain = chainOf(stored.account, stored.commitment, known)
    const next = chainOf(stored.account, stored.commitment, [...known, statement])
    if (
      !bytesEqual(next.current, statement.newKey) ||
      !bytesEqual(sealedPublicKey, chain.current)
    ) {
      throw new KeystoreCorruptedError(
        this.pendingPath,
        'the rotation under way does not fit the key chain',
      )
    }
    return chain
  }

  async #pending(): Promise<PendingRotation | undefined> {
    const text = await readFileIfExists(this.pendingPath)
    if (text == null) return undefined
    try {
      const parsed = JSON.parse(text) as Record<string, string>
      const kind = parsed.kind === 'recovery' ? 'recovery' : 'rotation'
      const statement = openKeyStatement(kind, fromHex(String(parsed.statement)))
      const sealedKey = fromHex(String(parsed.sealedKey))
      return { statement, sealedKey, atRestRoot: fromHex(String(parsed.atRestRoot)) }
    } catch (err) {
      throw new KeystoreCorruptedError(this.pendingPath, (err as Error).message)
    }
  }
}

type StatementRecord = { kind: KeyStatementKind; record: Uint8Array }

function statementsOf(chain: {
  rotations: Uint8Array[]
  recoveries: Uint8Array[]
}): StatementRecord[] {
  return [
    ...chain.rotations.map((record) => ({ kind: 'rotation' as const, record })),
    ...chain.recoveries.map((record) => ({ kind: 'recovery' as const, record })),
  ]
}

function chainOf(
  account: Uint8Array,
  commitment: Uint8Array,
  statements: StatementRecord[],
): StoredKeyChain {
  const resolved = resolveKeyChain({ account, commitment }, statements)
  const recoveries = resolved.applied.filter((statement) => statement.kind === 'recovery')
  const lastRecovery = recoveries.at(-1)
  return {
    account,
    initialCommitment: commitment,
    commitment: resolved.commitment,
    rotations: resolved.applied
      .filter((statement) => statement.kind === 'rotation')
      .map((statement) => statement.record),
    recoveries: recoveries.map((statement) => statement.record),
    epoch:
      lastRecovery == null
        ? { key: account, sequence: 0 }
        : { key: lastRecovery.newKey, sequence: lastRecovery.sequence },
    current: resolved.current,
    retired: resolved.retired,
    sequence: resolved.sequence,
  }
}

/** The chain file: its start (key and first commitment) and statements; the resolver finds the rest. */
function chainFileBytes(
  chain: Pick<StoredKeyChain, 'account' | 'initialCommitment'>,
  statements: StatementRecord[],
  atRestRoot?: Uint8Array,
): Uint8Array {
  const file = {
    format: CHAIN_FORMAT,
    account: toHex(chain.account),
    commitment: toHex(chain.initialCommitment),
    rotations: statements
      .filter(({ kind }) => kind === 'rotation')
      .map(({ record }) => toHex(record)),
    recoveries: statements
      .filter(({ kind }) => kind === 'recovery')
      .map(({ record }) => toHex(record)),
    ...(atRestRoot == null ? {} : { atRestRoot: toHex(atRestRoot) }),
  }
  return new TextEncoder().encode(`${JSON.stringify(file, null, 2)}\n`)
}

function parseChainFile(
  text: string,
  path: string,
): {
  account: Uint8Array
  commitment: Uint8Array
  rotations: Uint8Array[]
  recoveries: Uint8Array[]
  atRestRoot?: Uint8Array
} {
  try {
    const file = JSON.parse(text) as Record<string, unknown>
    if (file.format !== CHAIN_FORMAT || !Array.isArray(file.rotations)) {
      throw new Error('not a key chain file')
    }
    return {
      account: fromHex(String(file.account)),
      commitment: fromHex(String(file.commitment ?? '')),
      rotations: file.rotations.map((record) => fromHex(String(record))),
      recoveries: (Array.isArray(file.recoveries) ? file.recoveries : []).map((record) =>
        fromHex(String(record)),
      ),
      atRestRoot: file.atRestRoot == null ? undefined : fromHex(String(file.atRestRoot)),
    }
  } catch (err) {
    throw new KeystoreCorruptedError(path, (err as Error).message)
  }
}
