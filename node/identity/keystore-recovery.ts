/**
 * The keystore's recovery commitment (doc/accounts.md, "The backup phrase becomes the
 * recovery authority"). The phrase is a master secret M; the account key A and the recovery
 * keys R_n derive from it. The keystore keeps A's seed (sealed) and SHA-256(R_n) in the key
 * chain file, never M: M exists only while the phrase is typed in, so a thief with the data
 * folder and the password holds A but no recovery key.
 *
 * - A new account's phrase is its M (`newAccount`).
 * - An older account, whose phrase is A's seed, commits once to a second phrase: `setup`
 *   draws one and stores nothing; `commit` takes it back as the user types it, proving it was
 *   written down, and only then records SHA-256(R_0).
 * - `recover` signs a recovery statement with R_n (n: recoveries made so far) for a new key,
 *   committing to R_(n+1), and writes it through the rotation journal, so a crash leaves the
 *   old key or the new one, as for a rotation.
 */
import {
  accountKeyFromMasterSecret,
  generateMasterSecret,
  isMasterSecret,
  recoveryCommitment,
  recoveryKeyFromMasterSecret,
  signKeyRecovery,
} from '../../protocol/accounts/index.ts'
import { bytesEqual } from '../../protocol/bytes.ts'
import {
  NoRecoveryCommitmentError,
  NotARecoveryPhraseError,
  RecoveryAlreadyCommittedError,
  RecoveryPhraseMismatchError,
} from '../errors.ts'
import { backupPhraseOf, phraseOfSecret, secretFromPhrase } from './backup-phrase.ts'
import { atRestSecret, generateIdentity, type Identity, identityFromSeed } from './identity.ts'
import { type RotationJournal, type StoredKeyChain, sealAtRestRoot } from './key-rotation.ts'
import type { RotatedIdentity, RotationAccess } from './keystore-rotation.ts'
import type { KeystoreContents } from './sealed-key.ts'

export interface RecoveryStatus {
  /** Whether the account committed to a recovery key (else no phrase can recover it). */
  committed: boolean
  /** Recoveries made so far: the next one uses recovery key R_n with this n. */
  recoveries: number
}

/** A new account: its key, its commitment to R_0, and the phrase of M to show once. */
export function newAccount(): { identity: Identity; commitment: Uint8Array; phrase: string } {
  for (;;) {
    const master = generateMasterSecret()
    const identity = accountKeyFromMasterSecret(master)
    // A's own phrase (Settings shows it) must read back as a key, never as a master secret.
    if (isMasterSecret(identity.privateKey)) continue
    return { identity, commitment: commitmentOf(master, 0), phrase: phraseOfSecret(master) }
  }
}

/** What a typed phrase restores: the key, and for a master secret its commitment to R_0. */
export function restoredAccount(phrase: string): { identity: Identity; commitment?: Uint8Array } {
  const secret = secretFromPhrase(phrase)
  if (!isMasterSecret(secret)) return { identity: identityFromSeed(secret) }
  return { identity: accountKeyFromMasterSecret(secret), commitment: commitmentOf(secret, 0) }
}

/** The master secret of a recovery phrase; NotARecoveryPhraseError for a key's phrase. */
export function masterSecretOf(phrase: string): Uint8Array {
  const secret = secretFromPhrase(phrase)
  if (!isMasterSecret(secret)) {
    throw new NotARecoveryPhraseError(
      "These 24 words are a key's backup phrase, not a recovery phrase. Type the recovery phrase (the one shown at init, or when the recovery phrase was set up).",
    )
  }
  return secret
}

export function recoveryStatus(chain: StoredKeyChain): RecoveryStatus {
  return { committed: chain.commitment.length > 0, recoveries: chain.recoveries.length }
}

/** A fresh recovery phrase for an older account; nothing is stored. */
export function recoveryPhraseSetup(): { recoveryPhrase: string } {
  return { recoveryPhrase: phraseOfSecret(generateMasterSecret()) }
}

/** Records SHA-256(R_0) of `phrase` for an account that has no commitment and made no statement. */
export async function commitRecoveryPhrase(
  journal: RotationJournal,
  chain: StoredKeyChain,
  phrase: string,
): Promise<void> {
  const master = masterSecretOf(phrase)
  if (chain.commitment.length > 0) {
    throw new RecoveryAlreadyCommittedError(
      'This account already has a recovery phrase; the one written down at the time stays the one that recovers it.',
    )
  }
  if (chain.rotations.length > 0) {
    // Its rotations were signed without a commitment; friends start the chain from them.
    throw new NoRecoveryCommitmentError(
      'This account rotated its key before it had a recovery phrase, so it cannot commit to one now.',
    )
  }
  await journal.commit(chain.account, commitmentOf(master, 0))
}

/** R_n of `master`; RecoveryPhraseMismatchError unless its commitment is the one in force. */
export function checkRecoverySecret(chain: StoredKeyChain, master: Uint8Array) {
  const recoveryKey = recoveryKeyFromMasterSecret(master, chain.recoveries.length)
  if (!bytesEqual(recoveryCommitment(recoveryKey.publicKey), chain.commitment)) {
    throw new RecoveryPhraseMismatchError(
      'This recovery phrase is not the one this account committed to. Check each word against the phrase you wrote down for this account.',
    )
  }
  return recoveryKey
}

/**
 * Signs a recovery by `phrase` to a new key and writes it down (the journal's step 1; the
 * caller settles). Throws NotARecoveryPhraseError, NoRecoveryCommitmentError,
 * RecoveryPhraseMismatchError.
 */
export async function recover(
  journal: RotationJournal,
  keystore: RotationAccess,
  contents: KeystoreContents,
  password: string,
  phrase: string,
): Promise<RotatedIdentity> {
  const master = masterSecretOf(phrase)
  const old = contents.identity
  const chain = await journal.chain(old.publicKey)
  if (chain.commitment.length === 0) {
    throw new NoRecoveryCommitmentError(
      'This account never committed to a recovery phrase, so no phrase can recover it.',
    )
  }
  const index = chain.recoveries.length
  const recoveryKey = checkRecoverySecret(chain, master)
  const identity = generateIdentity()
  const statement = signKeyRecovery(recoveryKey, identity, {
    oldKey: chain.epoch.key,
    sequence: chain.epoch.sequence + 1,
    atMs: keystore.now(),
    nextRecovery: commitmentOf(master, index + 1),
  })
  const sealed = await keystore.seal({ ...contents, identity }, password)
  await journal.begin(statement, sealed, sealAtRestRoot(identity, atRestSecret(old)), 'recovery')
  const rotated = { ...identity, atRestSeed: atRestSecret(old) }
  return {
    identity: rotated,
    statement,
    retired: old.publicKey,
    backupPhrase: backupPhraseOf(identity),
  }
}

/** Where the account's chain stands, as a friend releasing a share reports it. */
export interface RecoveredEpoch {
  account: Uint8Array
  sequence: number
  recoveries: number
  commitment: Uint8Array
}

/**
 * Recovery through friends on a new machine: `master` was rebuilt from friends' shares; the
 * key sealed here becomes the account's, by a recovery statement signed with R_n. Only an
 * account's first recovery can be done this way (the new machine knows no earlier chain).
 * Throws RecoveryPhraseMismatchError when the secret is not the one the account committed to.
 */
export async function adoptRecoveredAccount(
  journal: RotationJournal,
  identity: Identity,
  master: Uint8Array,
  epoch: RecoveredEpoch,
  now: number,
): Promise<Uint8Array> {
  const recoveryKey = recoveryKeyFromMasterSecret(master, epoch.recoveries)
  if (!bytesEqual(recoveryCommitment(recoveryKey.publicKey), epoch.commitment)) {
    throw new RecoveryPhraseMismatchError(
      "The friends' shares do not rebuild the secret this account committed to.",
    )
  }
  if (epoch.recoveries !== 0 || epoch.sequence !== 0) {
    throw new NoRecoveryCommitmentError(
      'This account was recovered before: recover it again with its recovery phrase.',
    )
  }
  const statement = signKeyRecovery(recoveryKey, identity, {
    oldKey: epoch.account,
    sequence: 1,
    atMs: now,
    nextRecovery: commitmentOf(master, 1),
  })
  await journal.adopt(epoch.account, epoch.commitment, statement)
  return statement
}

function commitmentOf(master: Uint8Array, index: number): Uint8Array {
  return recoveryCommitment(recoveryKeyFromMasterSecret(master, index).publicKey)
}
