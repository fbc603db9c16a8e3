/**
 * The user's identity and its keystore. An identity is one Ed25519 key pair; its 32-byte
 * seed is the whole secret, its public key is the node's libp2p PeerId. At rest the seed is
 * sealed with AES-256-GCM under a scrypt key derived from the user's password, in
 * `<dataDir>/identity.key`; a 24-word backup phrase restores it; wrong passwords through the
 * node are slowed by a lockout that survives restarts. Failures are typed errors from
 * `node/errors.ts`, each with a message the user can act on.
 *
 * @example
 * ```ts
 * import { Keystore, fingerprint, peerIdOf, toLibp2pPrivateKey } from './node/identity/index.ts'
 *
 * const keystore = new Keystore(dataDir)
 * if (!(await keystore.exists())) {
 *   const { identity, backupPhrase } = await keystore.create(password)
 *   // show backupPhrase once, for the user to write down
 * }
 * const identity = await keystore.unlock(password)
 * console.log(peerIdOf(identity).toString(), fingerprint(identity.publicKey))
 * const privateKey = toLibp2pPrivateKey(identity) // for createLibp2p({ privateKey })
 * ```
 */

export {
  checkPasswordStrength,
  MIN_PASSWORD_LENGTH,
  type PasswordCheck,
} from '../../protocol/password-strength.ts'
export { ACCOUNT_KEY_FILE } from './account-key.ts'
export {
  BACKUP_PHRASE_WORDS,
  backupPhraseOf,
  identityFromBackupPhrase,
  phraseOfSecret,
  secretFromPhrase,
} from './backup-phrase.ts'
export {
  accountKeyOf,
  fingerprint,
  generateIdentity,
  type Identity,
  identityFromSeed,
  peerIdOf,
  toLibp2pPrivateKey,
} from './identity.ts'
export {
  KEY_CHAIN_FILE,
  PENDING_ROTATION_FILE,
  type RotationSteps,
  type StoredKeyChain,
} from './key-rotation.ts'
export {
  type CreatedIdentity,
  type ExportOptions,
  KEYSTORE_FILE,
  Keystore,
  type KeystoreInit,
  LOCKOUT_FILE,
  type ReplaceOptions,
  type SecondFactor,
} from './keystore.ts'
export type { RotatedIdentity } from './keystore-rotation.ts'
export { RECOVERY_CODE_COUNT } from './recovery-codes.ts'
export { DEFAULT_SCRYPT_PARAMS, type ScryptParams } from './sealed-key.ts'
export { TOTP_PERIOD_SECONDS, totpCode, totpSecretFromText } from './totp.ts'
export type { TwoFactorSetup, TwoFactorStatus } from './two-factor.ts'
export {
  LOCKOUT_FREE_FAILURES,
  LOCKOUT_MAX_DELAY_MS,
  type LockoutStatus,
  lockoutDelayMs,
} from './unlock-lockout.ts'
