import { mkdir, rm } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { bytesEqual } from '../../protocol/bytes.ts'
import type { Ed25519KeyPair } from '../../protocol/crypto/index.ts'
import { checkPasswordStrength } from '../../protocol/password-strength.ts'
import {
  KeystoreError,
  KeystoreExistsError,
  WeakPasswordError,
  WrongPasswordError,
} from '../errors.ts'
import { ACCOUNT_KEY_FILE, loadAccountKey, saveAccountKey } from './account-key.ts'
import { fileExists, writeFileAtomic } from './atomic-file.ts'
import { backupPhraseOf } from './backup-phrase.ts'
import type { Identity } from './identity.ts'
import { RotationJournal, type RotationSteps, type StoredKeyChain } from './key-rotation.ts'
import { KeystoreFile, readKeyFile } from './keystore-file.ts'
import {
  adoptRecoveredAccount,
  commitRecoveryPhrase,
  newAccount,
  type RecoveredEpoch,
  type RecoveryStatus,
  recover,
  recoveryPhraseSetup,
  recoveryStatus,
  restoredAccount,
} from './keystore-recovery.ts'
import { KeystoreRotation, type RotatedIdentity, type RotationAccess } from './keystore-rotation.ts'
import { KeystoreTwoFactor, type Unlocked } from './keystore-two-factor.ts'
import { LockoutRecord } from './lockout-record.ts'
import {
  DEFAULT_SCRYPT_PARAMS,
  KEYSTORE_VERSION,
  type KeystoreContents,
  PORTABLE_KEY_VERSION,
  parseSealedKeyFile,
  type ScryptParams,
  sealIdentity,
  sealKeystore,
  unsealIdentity,
  unsealKeystore,
} from './sealed-key.ts'
import { totpSecretFromText } from './totp.ts'
import type { TwoFactorSetup, TwoFactorStatus } from './two-factor.ts'
import { type LockoutStatus, UnlockLockout } from './unlock-lockout.ts'

export const KEYSTORE_FILE = 'identity.key'
export const LOCKOUT_FILE = 'identity.lockout.db'
/** Where releases before the shared lockout record kept the count. */
const LEGACY_LOCKOUT_FILE = 'identity.lockout.json'

export interface KeystoreInit {
  /**
   * Key derivation cost of files this keystore writes. Only tests lower it, to stay fast;
   * files record their own parameters, so any file can still be read.
   *
   * @default DEFAULT_SCRYPT_PARAMS (N = 2^17, r = 8, p = 1)
   */
  scrypt?: ScryptParams
  /** Clock of the lockout, in epoch milliseconds. @default Date.now */
  now?: () => number
  /** Longest wait for another process's hold on the lockout record. @default 10000 */
  lockWaitMs?: number
  /** The writes of a key rotation. Only tests change them, to fail at each. @default durable */
  rotationSteps?: RotationSteps
}

export interface ReplaceOptions {
  /** Overwrite an identity or file already at the target. @default false */
  replace?: boolean
}

export interface SecondFactor {
  /**
   * A code of the authenticator app, or a recovery code: needed while two-factor checks are on.
   * @default none
   */
  code?: string
}

export interface ExportOptions extends ReplaceOptions, SecondFactor {
  /** Password of the exported file. @default the keystore password */
  exportPassword?: string
}

export interface CreatedIdentity {
  identity: Identity
  /** 24 words that restore this identity; show once, for the user to write down. */
  backupPhrase: string
}

/**
 * The sealed identity of one data folder, kept in `<dir>/identity.key` (its bytes:
 * keystore-file.ts). A facade over parts with one job each: recovery (keystore-recovery.ts),
 * rotation (keystore-rotation.ts), two-factor checks (keystore-two-factor.ts), the lockout
 * (unlock-lockout.ts), a linked device's account key (account-key.ts). Operations on one
 * instance run one at a time; the lockout holds across instances and processes as well (see
 * `unlock-lockout.ts`). Sensitive actions pass `authorizeSensitiveAction`: the password and,
 * once two-factor checks are on, a code.
 *
 * Why it stays one file a little over 500 lines: it is the one place that puts every action
 * on the folder's identity in one queue (`#serially`) and behind one unlock (`#unlock`,
 * `#authorize`); each public method is a few lines of that orchestration over the parts
 * above, and splitting the methods apart would split the queue they share.
 */
export class Keystore {
  /** The keystore file. */
  readonly path: string
  readonly #dir: string
  readonly #scrypt: ScryptParams
  readonly #record: LockoutRecord
  readonly #lockout: UnlockLockout
  readonly #twoFactor: KeystoreTwoFactor
  readonly #now: () => number
  readonly #rotation: KeystoreRotation
  readonly #journal: RotationJournal
  readonly #rotationAccess: RotationAccess
  readonly #file: KeystoreFile
  #queue: Promise<unknown> = Promise.resolve()

  constructor(dir: string, init: KeystoreInit = {}) {
    this.#dir = resolve(dir)
    this.path = join(this.#dir, KEYSTORE_FILE)
    this.#scrypt = { ...(init.scrypt ?? DEFAULT_SCRYPT_PARAMS) }
    this.#now = init.now ?? Date.now
    this.#rotationAccess = {
      sealedPublicKey: () => this.#file.sealedPublicKey(),
      transact: (write) => this.#record.transact(async () => ({ result: await write() })),
      seal: (contents, password) => sealKeystore(contents, password, this.#scrypt),
      now: () => this.#now(),
    }
    this.#rotation = new KeystoreRotation(
      this.#dir,
      KEYSTORE_FILE,
      this.#rotationAccess,
      init.rotationSteps,
    )
    this.#journal = new RotationJournal(this.#dir, KEYSTORE_FILE, init.rotationSteps)
    this.#record = new LockoutRecord(join(this.#dir, LOCKOUT_FILE), init.lockWaitMs)
    this.#file = new KeystoreFile(this.path, this.#record)
    this.#lockout = new UnlockLockout({
      record: this.#record,
      legacyPath: join(this.#dir, LEGACY_LOCKOUT_FILE),
      now: this.#now,
    })
    this.#twoFactor = new KeystoreTwoFactor(
      {
        header: () => this.#file.header(),
        unlock: (password) => this.#unlock(password),
        authorize: (password, secondFactor) => this.#authorize(password, secondFactor),
        replaceUnchanged: (expected, next) => this.#file.replaceUnchanged(expected, next),
        writeUnchanged: (expected, next) => this.#file.writeUnchanged(expected, next),
        seal: (contents, password) => sealKeystore(contents, password, this.#scrypt),
        now: () => this.#now(),
      },
      this.#record,
    )
  }

  async exists(): Promise<boolean> {
    return fileExists(this.path)
  }

  /** Throws KeystoreExistsError if an identity is here: lets a caller stop before asking for a password. */
  async assertAbsent(): Promise<void> {
    await this.#refuseToOverwrite({})
  }

  /**
   * The public key as the file records it, without the password. The file's checksum is
   * checked, but only unlock proves the key is the one sealed with the password.
   */
  async publicKey(): Promise<Uint8Array> {
    await this.#rotation.settle()
    return this.#file.sealedPublicKey()
  }

  /**
   * Moves the account to a new key (doc/accounts.md, "Key state"): a sensitive action. A new
   * identity key is sealed with the same password (and two-factor checks, if on), and a
   * rotation statement signed by the old and the new key, keeping the recovery commitment,
   * joins the key chain. A crash at any point leaves the old or the new key usable: once
   * the new key is written down the rotation completes on the next read (`key-rotation.ts`).
   */
  async rotate(password: string, secondFactor: SecondFactor = {}): Promise<RotatedIdentity> {
    return this.#serially(async () => {
      const { contents } = await this.#authorize(password, secondFactor)
      return this.#rotation.rotate(contents, password)
    })
  }

  /** The account's original key, its rotations, the key holding it now and the retired ones. */
  async keyChain(): Promise<StoredKeyChain> {
    return this.#rotation.keyChain()
  }

  /**
   * A linked device (doc/accounts.md, "Linking a device"): its own key `device`, sealed with
   * `password` (no backup phrase: the account's phrase is the one to keep), and the account
   * key beside it, sealed under a key derived from the device key; every later unlock returns
   * it as `identity.account`. Throws WeakPasswordError, KeystoreExistsError.
   */
  async createLinkedDevice(
    device: Identity,
    account: Ed25519KeyPair,
    password: string,
  ): Promise<void> {
    requireStrongPassword(password)
    return this.#serially(async () => {
      await this.#refuseToOverwrite({})
      await this.#save(device, password)
      await saveAccountKey(this.#dir, device, account)
    })
  }

  /**
   * A new account sealed with `password`: its phrase is the master secret the account key
   * and recovery keys derive from, committed to its first recovery key (keystore-recovery.ts).
   * Throws WeakPasswordError, KeystoreExistsError.
   */
  async create(password: string, options: ReplaceOptions = {}): Promise<CreatedIdentity> {
    requireStrongPassword(password)
    return this.#serially(async () => {
      await this.#refuseToOverwrite(options)
      const { identity, commitment, phrase } = newAccount()
      await this.#save(identity, password, commitment)
      return { identity, backupPhrase: phrase }
    })
  }

  /** Whether the account committed to a recovery key, and how many recoveries it made; no password needed. */
  async recoveryStatus(): Promise<RecoveryStatus> {
    return recoveryStatus(await this.keyChain())
  }

  /**
   * A new 24-word recovery phrase for an account that has none (one from before the
   * commitment): a sensitive action. Nothing is stored until `commitRecoveryPhrase`.
   */
  async recoveryPhraseSetup(
    password: string,
    secondFactor: SecondFactor = {},
  ): Promise<{ recoveryPhrase: string }> {
    return this.#serially(async () => {
      await this.#authorize(password, secondFactor)
      return recoveryPhraseSetup()
    })
  }

  /**
   * Commits the account to the recovery phrase the user typed back (from
   * `recoveryPhraseSetup`). Throws InvalidBackupPhraseError, NotARecoveryPhraseError,
   * RecoveryAlreadyCommittedError, NoRecoveryCommitmentError (the account rotated without one).
   */
  async commitRecoveryPhrase(
    password: string,
    phrase: string,
    secondFactor: SecondFactor = {},
  ): Promise<void> {
    return this.#serially(async () => {
      await this.#authorize(password, secondFactor)
      await commitRecoveryPhrase(this.#journal, await this.keyChain(), phrase)
    })
  }

  /**
   * Recovers the account with its recovery phrase (doc/accounts.md, "Key state"): a new key,
   * sealed with the same password, and a recovery statement signed by the committed recovery
   * key, which friends prefer over any rotation since the commitment, a thief's included.
   * A sensitive action; throws NotARecoveryPhraseError, NoRecoveryCommitmentError,
   * RecoveryPhraseMismatchError besides what the check throws.
   */
  async recover(
    password: string,
    phrase: string,
    secondFactor: SecondFactor = {},
  ): Promise<RotatedIdentity> {
    return this.#serially(async () => {
      const { contents } = await this.#authorize(password, secondFactor)
      const recovered = await recover(
        this.#journal,
        this.#rotationAccess,
        contents,
        password,
        phrase,
      )
      await this.#rotation.settle()
      return recovered
    })
  }

  /**
   * Throws KeystoreMissingError, KeystoreCorruptedError, KeystoreFormatError,
   * KeystoreLockedError (at once, without trying the password) or WrongPasswordError.
   */
  async unlock(password: string): Promise<Identity> {
    return this.#serially(async () => (await this.#unlock(password)).contents.identity)
  }

  /**
   * The check every sensitive action passes: export, showing the backup phrase, a password
   * change, turning two-factor checks off, and key rotation, revocation and device linking.
   * The password is checked with its lockout; while two-factor checks are on, `code` must be
   * the authenticator's code of now, not used before, or an unused recovery code (struck off
   * as it is used); wrong codes have a lockout of their own with the same waits. Returns the
   * unlocked identity. Throws what `unlock` throws, and TwoFactorRequiredError (before the
   * password is tried), TwoFactorCodeWrongError, TwoFactorCodeReusedError, TwoFactorLockedError.
   */
  async authorizeSensitiveAction(
    password: string,
    secondFactor: SecondFactor = {},
  ): Promise<Identity> {
    return this.#serially(
      async () => (await this.#authorize(password, secondFactor)).contents.identity,
    )
  }

  /**
   * Seals the same identity under `newPassword`; the key, and everything sealed with keys
   * derived from it, stays as it was. `password` (and a code, when two-factor checks are on)
   * is checked first, as for every sensitive action; the new one must pass the strength check
   * of `create`. The file is replaced atomically, and only if no other process changed it
   * meanwhile (KeystoreChangedError).
   */
  async changePassword(
    password: string,
    newPassword: string,
    secondFactor: SecondFactor = {},
  ): Promise<void> {
    requireStrongPassword(newPassword)
    return this.#serially(async () => {
      const { contents, file } = await this.#authorize(password, secondFactor)
      await this.#file.replaceUnchanged(
        file,
        await sealKeystore(contents, newPassword, this.#scrypt),
      )
    })
  }

  /** Whether two-factor checks are on, and their recovery codes and lockout; no password needed. */
  async twoFactorStatus(): Promise<TwoFactorStatus> {
    return this.#twoFactor.status()
  }

  /**
   * A new TOTP secret and its `otpauth://` URI for an authenticator app. Nothing is stored:
   * `enableTwoFactor` takes the secret back with a first code from the app.
   */
  async twoFactorSetup(): Promise<TwoFactorSetup> {
    return this.#twoFactor.setup()
  }

  /**
   * Turns two-factor checks on: `secret` from `twoFactorSetup`, and `code`, a code the app
   * made from it, proving the app has it. Returns ten recovery codes, to be shown once.
   */
  async enableTwoFactor(
    password: string,
    secret: string,
    code: string,
  ): Promise<{ recoveryCodes: string[] }> {
    const totpSecret = totpSecretFromText(secret)
    return this.#serially(() => this.#twoFactor.enable(password, totpSecret, code))
  }

  /** Turns two-factor checks off; a sensitive action, so it needs a code itself. */
  async disableTwoFactor(password: string, secondFactor: SecondFactor): Promise<void> {
    return this.#serially(() => this.#twoFactor.disable(password, secondFactor))
  }

  /** How many wrong passwords in a row, and how long until the next attempt is allowed. */
  async lockoutStatus(): Promise<LockoutStatus> {
    return this.#lockout.status(await this.#needsLockoutRecord())
  }

  /**
   * Writes a sealed copy of the identity to `outFile`, to move it to another machine.
   * `password` unlocks this keystore (and counts towards its lockout).
   */
  async export(password: string, outFile: string, options: ExportOptions = {}): Promise<void> {
    if (options.exportPassword != null) requireStrongPassword(options.exportPassword)
    const target = resolve(outFile)
    return this.#serially(async () => {
      if (options.replace !== true && (await fileExists(target))) {
        throw new KeystoreExistsError(target)
      }
      await writeFileAtomic(target, await this.#sealedCopy(password, options))
    })
  }

  /**
   * The bytes of a sealed copy of the identity (what `export` writes), for a client that
   * saves the file itself. `password` unlocks this keystore and counts towards its lockout.
   */
  async exportBytes(
    password: string,
    options: Omit<ExportOptions, 'replace'> = {},
  ): Promise<Uint8Array> {
    if (options.exportPassword != null) requireStrongPassword(options.exportPassword)
    return this.#serially(() => this.#sealedCopy(password, options))
  }

  /**
   * The 24-word backup phrase, rebuilt from the sealed seed (the phrase is the seed, so it is
   * the same one shown when the identity was created). Needs the password, with its lockout.
   */
  async backupPhrase(password: string, secondFactor: SecondFactor = {}): Promise<string> {
    return this.#serially(async () =>
      backupPhraseOf((await this.#authorize(password, secondFactor)).contents.identity),
    )
  }

  /** An export carries the identity alone: two-factor checks stay with this keystore. */
  async #sealedCopy(
    password: string,
    options: Omit<ExportOptions, 'replace'>,
  ): Promise<Uint8Array> {
    const { contents } = await this.#authorize(password, options)
    return sealIdentity(contents.identity, options.exportPassword ?? password, this.#scrypt)
  }

  /**
   * Replaces this keystore with the identity in an exported file, sealed again with the
   * same password. The file is read, checked and unsealed before anything is written, so a
   * wrong password or a bad file leaves the keystore as it was.
   */
  async import(file: string, password: string, options: ReplaceOptions = {}): Promise<Identity> {
    const source = resolve(file)
    return this.#serially(async () => {
      await this.#refuseToOverwrite(options)
      const sealed = parseSealedKeyFile(await readKeyFile(source), source)
      const identity = await unsealIdentity(sealed, password, source)
      await this.#save(identity, password)
      return identity
    })
  }

  /**
   * Rebuilds the identity from its 24-word phrase and seals it with `password`: a recovery
   * phrase gives the account key and its commitment (as the account had before any
   * rotation), a key's backup phrase that key.
   */
  async restore(phrase: string, password: string, options: ReplaceOptions = {}): Promise<Identity> {
    requireStrongPassword(password)
    const { identity, commitment } = restoredAccount(phrase)
    return this.#serially(async () => {
      await this.#refuseToOverwrite(options)
      await this.#save(identity, password, commitment)
      return identity
    })
  }

  /**
   * Recovery through friends, on a new machine: the key sealed here becomes the account's
   * (`adoptRecoveredAccount`); returns the recovery statement to send to the account's
   * friends. A sensitive action.
   */
  async adoptRecoveredAccount(
    password: string,
    master: Uint8Array,
    epoch: RecoveredEpoch,
    secondFactor: SecondFactor = {},
  ): Promise<Uint8Array> {
    return this.#serially(async () => {
      const { contents } = await this.#authorize(password, secondFactor)
      return adoptRecoveredAccount(this.#journal, contents.identity, master, epoch, this.#now())
    })
  }

  /** The contents, and the file's bytes they came from (what a later replace expects to find). */
  async #unlock(password: string): Promise<Unlocked> {
    await this.#rotation.settle()
    const file = await readKeyFile(this.path)
    const sealed = parseSealedKeyFile(file, this.path)
    const upgraded = sealed.version !== PORTABLE_KEY_VERSION
    await this.#lockout.begin(upgraded)
    let contents: KeystoreContents
    try {
      contents = await unsealKeystore(sealed, password, this.path)
    } catch (err) {
      if (!(err instanceof WrongPasswordError)) await this.#lockout.refund()
      throw err
    }
    const identity = await this.#rotation.withAtRestRoot(contents.identity)
    const account = await loadAccountKey(this.#dir, identity)
    contents = { ...contents, identity: account == null ? identity : { ...identity, account } }
    // A keystore of an older release is resealed so that its lockout record becomes required.
    if (upgraded) await this.#lockout.reset()
    else await this.#save(contents.identity, password)
    return { contents, file: upgraded ? file : await readKeyFile(this.path) }
  }

  /** The password, then, while two-factor checks are on, the code (see authorizeSensitiveAction). */
  async #authorize(password: string, secondFactor: SecondFactor): Promise<Unlocked> {
    await this.#twoFactor.requireCode(secondFactor)
    return this.#twoFactor.check(await this.#unlock(password), password, secondFactor)
  }

  /** Saves a new identity; `commitment` starts its key chain (a crash before it leaves none). */
  async #save(identity: Identity, password: string, commitment?: Uint8Array): Promise<void> {
    const sealed = await sealIdentity(identity, password, this.#scrypt, KEYSTORE_VERSION)
    await mkdir(this.#dir, { recursive: true, mode: 0o700 })
    await this.#rotation.reset(identity.publicKey)
    // An account key sealed for another device key would not open: it goes with that key.
    const current = await this.#file.sealedPublicKey().catch(() => undefined)
    if (current == null || !bytesEqual(current, identity.publicKey)) {
      await rm(join(this.#dir, ACCOUNT_KEY_FILE), { force: true })
    }
    // The clean record first: a crash between the two writes must not leave a keystore
    // that requires a record without one (that would read as locked).
    await this.#lockout.reset()
    await writeFileAtomic(this.path, sealed)
    if (commitment != null) await this.#journal.commit(identity.publicKey, commitment)
  }

  /** Whether the keystore file promises a lockout record; a missing or damaged one does not. */
  async #needsLockoutRecord(): Promise<boolean> {
    try {
      return (await this.#file.header()).version !== PORTABLE_KEY_VERSION
    } catch (err) {
      if (err instanceof KeystoreError) return false
      throw err
    }
  }

  async #refuseToOverwrite(options: ReplaceOptions): Promise<void> {
    if (options.replace !== true && (await this.exists())) {
      throw new KeystoreExistsError(this.path)
    }
  }

  #serially<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(operation)
    this.#queue = result.catch(() => undefined)
    return result
  }
}

function requireStrongPassword(password: string): void {
  const check = checkPasswordStrength(password)
  if (!check.ok) throw new WeakPasswordError(check.reason)
}
