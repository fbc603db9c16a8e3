/**
 * Errors of the user's node. Each has a stable `name` (matched by the CLI, the local API and
 * tests) and a message that tells the user what to do.
 */
export class NodeError extends Error {
  override name = 'NodeError'
}

/** Another process holds this data dir's database. */
export class DataDirLockedError extends NodeError {
  override name = 'DataDirLockedError'
}

/** stop() was called while the node started: what had started is released again. */
export class NodeStoppedError extends NodeError {
  override name = 'NodeStoppedError'
}

/** A part of the node was read before start() built it. */
export class NodeNotStartedError extends NodeError {
  override name = 'NodeNotStartedError'
}

/** The relay bootstrap was asked to dial after its host stopped. */
export class RelayBootstrapStoppedError extends NodeError {
  override name = 'RelayBootstrapStoppedError'
}

/** A node option or config value that cannot be used. */
export class InvalidConfigError extends NodeError {
  override name = 'InvalidConfigError'
}

/** Base of the errors raised by the identity keystore (node/identity). */
export class KeystoreError extends NodeError {
  override name = 'KeystoreError'
}

/** A new password that is too easy to guess; `reason` says why, in words a user understands. */
export class WeakPasswordError extends KeystoreError {
  override name = 'WeakPasswordError'
  readonly reason: string

  constructor(reason: string) {
    super(
      `Password refused: ${reason}. Choose a longer one, for example four or five unrelated words.`,
    )
    this.reason = reason
  }
}

/** The password does not open the keystore or exported file. Counts towards the lockout. */
export class WrongPasswordError extends KeystoreError {
  override name = 'WrongPasswordError'

  constructor(path: string) {
    super(
      `Wrong password for ${path}. Try again; if it is forgotten, restore the identity from its 24-word backup phrase.`,
    )
  }
}

/** The keystore file is damaged: truncated, altered, or not valid JSON. */
export class KeystoreCorruptedError extends KeystoreError {
  override name = 'KeystoreCorruptedError'

  constructor(path: string, detail: string) {
    super(
      `${path} is damaged (${detail}). Restore the identity from its 24-word backup phrase or import an exported copy; the password cannot help here.`,
    )
  }
}

/** The file is not a TokenIM keystore, or one of a version or kind this TokenIM cannot read. */
export class KeystoreFormatError extends KeystoreError {
  override name = 'KeystoreFormatError'

  constructor(path: string, detail: string) {
    super(`${path} is not a keystore this TokenIM can read (${detail}).`)
  }
}

/** An identity (or other file) is already at the target path and `replace` was not given. */
export class KeystoreExistsError extends KeystoreError {
  override name = 'KeystoreExistsError'

  constructor(path: string) {
    super(
      `${path} already exists. Pass the replace option to overwrite it; the identity it holds is lost unless you have its backup phrase or an export.`,
    )
  }
}

/** No keystore file at the path. */
export class KeystoreMissingError extends KeystoreError {
  override name = 'KeystoreMissingError'

  constructor(path: string) {
    super(
      `No keystore at ${path}. Check --data-dir, or create an identity ("tokenim init", or the web client of "tokenim start --web") or restore one ("tokenim key restore").`,
    )
  }
}

/** Another process changed the keystore while this one was changing it: nothing was written. */
export class KeystoreChangedError extends KeystoreError {
  override name = 'KeystoreChangedError'

  constructor(path: string) {
    super(
      `${path} was changed by another TokenIM process meanwhile, so nothing was written. Try again.`,
    )
  }
}

/** Too many wrong passwords in a row: the next attempt is allowed after `retryAfterMs`. */
export class KeystoreLockedError extends KeystoreError {
  override name = 'KeystoreLockedError'
  readonly retryAfterMs: number

  constructor(retryAfterMs: number, what = 'passwords') {
    super(`Too many wrong ${what} in a row. Wait ${describeWait(retryAfterMs)}, then try again.`)
    this.retryAfterMs = retryAfterMs
  }
}

/** Too many wrong two-factor codes in a row: a count of its own, with the same waits. */
export class TwoFactorLockedError extends KeystoreLockedError {
  override name = 'TwoFactorLockedError'

  constructor(retryAfterMs: number) {
    super(retryAfterMs, 'two-factor codes')
  }
}

/** Two-factor checks are on and the action was asked for without a code. */
export class TwoFactorRequiredError extends KeystoreError {
  override name = 'TwoFactorRequiredError'

  constructor() {
    super(
      'Two-factor checks are on: this needs the 6-digit code your authenticator app shows now, or one of your recovery codes.',
    )
  }
}

/** The code is not the authenticator's code of now, nor an unused recovery code. Counted. */
export class TwoFactorCodeWrongError extends KeystoreError {
  override name = 'TwoFactorCodeWrongError'

  constructor() {
    super(
      "That two-factor code is not valid. Type the code your authenticator app shows now (and check this computer's clock), or an unused recovery code.",
    )
  }
}

/** The code was right but already used: a code works once. Counted, as a wrong one. */
export class TwoFactorCodeReusedError extends KeystoreError {
  override name = 'TwoFactorCodeReusedError'

  constructor() {
    super(
      'That two-factor code was already used. Wait for the next one (at most 30 s) and type it.',
    )
  }
}

/** Turning two-factor checks on while they are on. */
export class TwoFactorAlreadyEnabledError extends KeystoreError {
  override name = 'TwoFactorAlreadyEnabledError'

  constructor() {
    super(
      'Two-factor checks are already on. To enrol another authenticator, turn them off first (that needs a code).',
    )
  }
}

/** Turning two-factor checks off while they are off. */
export class TwoFactorNotEnabledError extends KeystoreError {
  override name = 'TwoFactorNotEnabledError'

  constructor() {
    super('Two-factor checks are not on, so there is nothing to turn off.')
  }
}

/** An enrolment's secret that is not base32 or is too short to be safe. */
export class InvalidTwoFactorSecretError extends KeystoreError {
  override name = 'InvalidTwoFactorSecretError'
}

/** Another process held the password lockout's record for longer than `waitedMs`. */
export class KeystoreBusyError extends KeystoreError {
  override name = 'KeystoreBusyError'

  constructor(waitedMs: number) {
    super(
      `Another TokenIM process kept the password lockout busy for ${describeWait(waitedMs)}. Try again; if it persists, stop the other process.`,
    )
  }
}

function describeWait(ms: number): string {
  const seconds = Math.ceil(ms / 1000)
  return seconds < 120 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`
}

export type BackupPhraseProblem = 'word-count' | 'unknown-word' | 'checksum'

/** A backup phrase that cannot be restored; `problem` says which check failed. */
export class InvalidBackupPhraseError extends KeystoreError {
  override name = 'InvalidBackupPhraseError'
  readonly problem: BackupPhraseProblem

  constructor(problem: BackupPhraseProblem, message: string) {
    super(message)
    this.problem = problem
  }
}

/** The phrase typed is a key's backup phrase, not a recovery phrase (its master secret's mark is missing). */
export class NotARecoveryPhraseError extends KeystoreError {
  override name = 'NotARecoveryPhraseError'
}

/** The recovery phrase is not the one this account committed to (another account's, or an old one). */
export class RecoveryPhraseMismatchError extends KeystoreError {
  override name = 'RecoveryPhraseMismatchError'
}

/** The account has no recovery commitment, so no phrase can recover it. */
export class NoRecoveryCommitmentError extends KeystoreError {
  override name = 'NoRecoveryCommitmentError'
}

/** The account already committed to a recovery phrase; a second one cannot replace it. */
export class RecoveryAlreadyCommittedError extends KeystoreError {
  override name = 'RecoveryAlreadyCommittedError'
}

/**
 * A record sealed at rest does not open: altered on disk, moved to another key, or sealed by
 * another identity than the one unlocked. It is refused, never returned.
 */
export class SealedRecordError extends NodeError {
  override name = 'SealedRecordError'

  /** `what`: the record and what is wrong with it; the message adds what a user can do. */
  constructor(what: string) {
    super(
      `${what}. Unlock the data dir with the identity that wrote it; if that is the one unlocked, ` +
        'the files were changed or damaged: stop the node and put back a copy of the data dir ' +
        '(README, "Upgrades": restoring); the account\'s other devices keep their history',
    )
  }
}

/** A data dir's format.json that holds no format number. */
export class InvalidDataFormatError extends NodeError {
  override name = 'InvalidDataFormatError'
}

/** The data dir was written by a newer release, in a format this one cannot read. */
export class DataFormatTooNewError extends NodeError {
  override name = 'DataFormatTooNewError'

  readonly found: number
  readonly readable: number

  // Fields, not parameter properties: the thumbnail worker loads this file under Node's
  // type stripping, which refuses them.
  constructor(message: string, found: number, readable: number) {
    super(message)
    this.found = found
    this.readable = readable
  }
}

/** A migration failed: the data dir is left as it was, in its previous format. */
export class DataFormatMigrationError extends NodeError {
  override name = 'DataFormatMigrationError'
}
