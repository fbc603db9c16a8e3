/**
 * Revoking a lost device with the backup phrase (doc/accounts.md, "Revoking a device"): the
 * phrase stands in for the password, since it is what the person keeps when every device but
 * one is gone, or the password with the lost one. The phrase authorises when it is this
 * account's: a recovery phrase whose recovery key in force is the one the account's signed
 * device list commits to (`nextRecovery`), or, for an account from before recovery phrases,
 * the backup phrase of the account key itself. Nothing of it is kept.
 */
import {
  isMasterSecret,
  type OpenedDeviceList,
  recoveryCommitment,
  recoveryKeyFromMasterSecret,
} from '../../protocol/accounts/index.ts'
import { bytesEqual } from '../../protocol/bytes.ts'
import { MAX_KEY_STATEMENTS } from '../../protocol/limits.ts'
import { secretFromPhrase } from '../identity/backup-phrase.ts'
import { identityFromSeed } from '../identity/index.ts'
import { WrongPhraseError } from './errors.ts'

/** Throws WrongPhraseError unless `phrase` is this account's (see the file header). */
export function checkAccountPhrase(phrase: string, list: OpenedDeviceList): void {
  let secret: Uint8Array
  try {
    secret = secretFromPhrase(phrase)
  } catch {
    throw new WrongPhraseError('these are not 24 words of a backup phrase: check each word')
  }
  if (isMasterSecret(secret)) {
    // The recovery key in force is R_n, n the recoveries made; each adds one statement.
    if (list.nextRecovery.length > 0) {
      for (let n = 0; n <= MAX_KEY_STATEMENTS; n++) {
        const key = recoveryKeyFromMasterSecret(secret, n)
        if (bytesEqual(recoveryCommitment(key.publicKey), list.nextRecovery)) return
      }
    }
  } else if (bytesEqual(identityFromSeed(secret).publicKey, list.account)) {
    return
  }
  throw new WrongPhraseError(
    "this phrase is not this account's recovery phrase (nor its key's backup phrase)",
  )
}
