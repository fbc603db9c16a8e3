/**
 * The keystore's key rotations (doc/accounts.md, "Key state"): a new identity key sealed
 * with the same password, and a rotation statement signed by the old and the new key that
 * keeps the recovery commitment. The writes go through `key-rotation.ts`'s journal, so a
 * crash at any point leaves the old or the new key usable; every read of the keystore
 * settles first, completing a rotation whose new key was written down.
 */
import { signKeyRotation } from '../../protocol/accounts/index.ts'
import { backupPhraseOf } from './backup-phrase.ts'
import { atRestSecret, generateIdentity, type Identity } from './identity.ts'
import {
  RotationJournal,
  type RotationSteps,
  type StoredKeyChain,
  sealAtRestRoot,
  withAtRestRoot,
} from './key-rotation.ts'
import type { KeystoreContents } from './sealed-key.ts'

export interface RotatedIdentity {
  /** The new key, now sealed in the keystore. */
  identity: Identity
  /** The rotation statement, signed by the old and the new key, as it travels. */
  statement: Uint8Array
  /** The key the account had: kept only to check old signatures. */
  retired: Uint8Array
  /** 24 words that restore the new key: the old phrase restores the retired key only. */
  backupPhrase: string
}

/** What rotations use of the keystore they move. */
export interface RotationAccess {
  /** The public key the keystore file records, without the password. */
  sealedPublicKey(): Promise<Uint8Array>
  /** Runs `write` inside a transaction of the lockout record, as every keystore write. */
  transact(write: () => Promise<void>): Promise<void>
  seal(contents: KeystoreContents, password: string): Promise<Uint8Array>
  now(): number
}

export class KeystoreRotation {
  readonly #journal: RotationJournal
  readonly #keystore: RotationAccess

  constructor(dir: string, keyFile: string, keystore: RotationAccess, steps?: RotationSteps) {
    this.#journal = new RotationJournal(dir, keyFile, steps)
    this.#keystore = keystore
  }

  /** Rotates the key of `contents`, unlocked with `password` by a sensitive action. */
  async rotate(contents: KeystoreContents, password: string): Promise<RotatedIdentity> {
    const old = contents.identity
    const chain = await this.#journal.chain(old.publicKey)
    const identity = generateIdentity()
    const statement = signKeyRotation(old, identity, {
      sequence: chain.sequence + 1,
      atMs: this.#keystore.now(),
      nextRecovery: chain.commitment,
    })
    const sealed = await this.#keystore.seal({ ...contents, identity }, password)
    const atRestRoot = sealAtRestRoot(identity, atRestSecret(old))
    await this.#journal.begin(statement, sealed, atRestRoot)
    await this.settle()
    const rotated = { ...identity, atRestSeed: atRestSecret(old) }
    const backupPhrase = backupPhraseOf(identity)
    return { identity: rotated, statement, retired: old.publicKey, backupPhrase }
  }

  /** The account's original key, its rotations, the key holding it now and the retired ones. */
  async keyChain(): Promise<StoredKeyChain> {
    await this.settle()
    return this.#journal.chain(await this.#keystore.sealedPublicKey())
  }

  /** Finishes a rotation a crash interrupted; the key is replaced inside a transaction. */
  async settle(): Promise<void> {
    await this.#journal.settle(
      () => this.#keystore.sealedPublicKey(),
      (write) => this.#keystore.transact(write),
    )
  }

  /** `identity` with the at-rest root of its key chain opened; KeystoreCorruptedError if it does not open. */
  async withAtRestRoot(identity: Identity): Promise<Identity> {
    const chain = await this.#journal.chain(identity.publicKey)
    return withAtRestRoot(identity, chain, this.#journal.chainPath)
  }

  /**
   * Before another identity is saved (create, import, restore): no rotation under way may
   * roll forward over it, and a chain of another key is dropped.
   */
  async reset(publicKey: Uint8Array): Promise<void> {
    await this.#journal.reset(publicKey)
  }
}
