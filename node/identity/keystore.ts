import { mkdir, readFile, stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { checkPasswordStrength } from '../../protocol/password-strength.ts'
import {
  KeystoreChangedError,
  KeystoreError,
  KeystoreExistsError,
  KeystoreMissingError,
  WeakPasswordError,
  WrongPasswordError,
} from '../errors.ts'
import { writeFileAtomic } from './atomic-file.ts'
import { backupPhraseOf, identityFromBackupPhrase } from './backup-phrase.ts'
import { generateIdentity, type Identity } from './identity.ts'
import { LockoutRecord } from './lockout-record.ts'
import {
  DEFAULT_SCRYPT_PARAMS,
  KEYSTORE_VERSION,
  parseSealedKeyFile,
  type ScryptParams,
  sealIdentity,
  unsealIdentity,
} from './sealed-key.ts'
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
}

export interface ReplaceOptions {
  /** Overwrite an identity or file already at the target. @default false */
  replace?: boolean
}

export interface ExportOptions extends ReplaceOptions {
  /** Password of the exported file. @default the keystore password */
  exportPassword?: string
}

export interface CreatedIdentity {
  identity: Identity
  /** 24 words that restore this identity; show once, for the user to write down. */
  backupPhrase: string
}

/**
 * The sealed identity of one data folder, kept in `<dir>/identity.key`. Operations on one
 * instance run one at a time; the lockout holds across instances and processes as well
 * (see `unlock-lockout.ts`).
 */
export class Keystore {
  /** The keystore file. */
  readonly path: string
  readonly #dir: string
  readonly #scrypt: ScryptParams
  readonly #record: LockoutRecord
  readonly #lockout: UnlockLockout
  #queue: Promise<unknown> = Promise.resolve()

  constructor(dir: string, init: KeystoreInit = {}) {
    this.#dir = resolve(dir)
    this.path = join(this.#dir, KEYSTORE_FILE)
    this.#scrypt = { ...(init.scrypt ?? DEFAULT_SCRYPT_PARAMS) }
    this.#record = new LockoutRecord(join(this.#dir, LOCKOUT_FILE), init.lockWaitMs)
    this.#lockout = new UnlockLockout({
      record: this.#record,
      legacyPath: join(this.#dir, LEGACY_LOCKOUT_FILE),
      now: init.now ?? Date.now,
    })
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
    const sealed = parseSealedKeyFile(await readKeyFile(this.path), this.path)
    return new Uint8Array(Buffer.from(sealed.publicKey, 'hex'))
  }

  /** A new identity sealed with `password`. Throws WeakPasswordError, KeystoreExistsError. */
  async create(password: string, options: ReplaceOptions = {}): Promise<CreatedIdentity> {
    requireStrongPassword(password)
    return this.#serially(async () => {
      await this.#refuseToOverwrite(options)
      const identity = generateIdentity()
      await this.#save(identity, password)
      return { identity, backupPhrase: backupPhraseOf(identity) }
    })
  }

  /**
   * Throws KeystoreMissingError, KeystoreCorruptedError, KeystoreFormatError,
   * KeystoreLockedError (at once, without trying the password) or WrongPasswordError.
   */
  async unlock(password: string): Promise<Identity> {
    return this.#serially(async () => (await this.#unlock(password)).identity)
  }

  /**
   * Seals the same identity under `newPassword`; the key, and everything sealed with keys
   * derived from it, stays as it was. `password` is checked first, with its lockout; the new
   * one must pass the strength check of `create`. The file is replaced atomically, and only
   * if no other process changed it meanwhile (KeystoreChangedError).
   */
  async changePassword(password: string, newPassword: string): Promise<void> {
    requireStrongPassword(newPassword)
    return this.#serially(async () => {
      const { identity, file } = await this.#unlock(password)
      const sealed = await sealIdentity(identity, newPassword, this.#scrypt, KEYSTORE_VERSION)
      await this.#replaceUnchanged(file, sealed)
    })
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
      await writeFileAtomic(target, await this.#sealedCopy(password, options.exportPassword))
    })
  }

  /**
   * The bytes of a sealed copy of the identity (what `export` writes), for a client that
   * saves the file itself. `password` unlocks this keystore and counts towards its lockout.
   */
  async exportBytes(password: string, exportPassword?: string): Promise<Uint8Array> {
    if (exportPassword != null) requireStrongPassword(exportPassword)
    return this.#serially(() => this.#sealedCopy(password, exportPassword))
  }

  /**
   * The 24-word backup phrase, rebuilt from the sealed seed (the phrase is the seed, so it is
   * the same one shown when the identity was created). Needs the password, with its lockout.
   */
  async backupPhrase(password: string): Promise<string> {
    return this.#serially(async () => backupPhraseOf((await this.#unlock(password)).identity))
  }

  async #sealedCopy(password: string, exportPassword?: string): Promise<Uint8Array> {
    const { identity } = await this.#unlock(password)
    return sealIdentity(identity, exportPassword ?? password, this.#scrypt)
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

  /** Rebuilds the identity from its 24-word backup phrase and seals it with `password`. */
  async restore(phrase: string, password: string, options: ReplaceOptions = {}): Promise<Identity> {
    requireStrongPassword(password)
    const identity = identityFromBackupPhrase(phrase)
    return this.#serially(async () => {
      await this.#refuseToOverwrite(options)
      await this.#save(identity, password)
      return identity
    })
  }

  /** The identity, and the file's bytes it came from (what a later replace expects to find). */
  async #unlock(password: string): Promise<{ identity: Identity; file: Uint8Array }> {
    const file = await readKeyFile(this.path)
    const sealed = parseSealedKeyFile(file, this.path)
    const upgraded = sealed.version === KEYSTORE_VERSION
    await this.#lockout.begin(upgraded)
    let identity: Identity
    try {
      identity = await unsealIdentity(sealed, password, this.path)
    } catch (err) {
      if (!(err instanceof WrongPasswordError)) await this.#lockout.refund()
      throw err
    }
    // A keystore of an older release is resealed so that its lockout record becomes required.
    if (upgraded) await this.#lockout.reset()
    else await this.#save(identity, password)
    return { identity, file: upgraded ? file : await readKeyFile(this.path) }
  }

  /**
   * Writes `next` over the keystore if it still holds `expected`. The compare and the write
   * run inside a transaction of the lockout record, which every process on this folder takes
   * in turn, so two processes cannot both replace the same file.
   */
  async #replaceUnchanged(expected: Uint8Array, next: Uint8Array): Promise<void> {
    await this.#record.transact(async () => {
      const current = await readKeyFile(this.path)
      if (!Buffer.from(current).equals(Buffer.from(expected))) {
        throw new KeystoreChangedError(this.path)
      }
      await writeFileAtomic(this.path, next)
      return { result: undefined }
    })
  }

  async #save(identity: Identity, password: string): Promise<void> {
    const sealed = await sealIdentity(identity, password, this.#scrypt, KEYSTORE_VERSION)
    await mkdir(this.#dir, { recursive: true, mode: 0o700 })
    // The clean record first: a crash between the two writes must not leave a keystore
    // that requires a record without one (that would read as locked).
    await this.#lockout.reset()
    await writeFileAtomic(this.path, sealed)
  }

  /** Whether the keystore file promises a lockout record; a missing or damaged one does not. */
  async #needsLockoutRecord(): Promise<boolean> {
    try {
      return (
        parseSealedKeyFile(await readKeyFile(this.path), this.path).version === KEYSTORE_VERSION
      )
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

async function readKeyFile(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new KeystoreMissingError(path)
    throw err
  }
}

async function fileExists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw err
  }
}
