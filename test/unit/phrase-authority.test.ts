/** Revoking with the phrase (node/devices/phrase-authority.ts): which phrases are the account's. */
import { describe, expect, it } from 'vitest'
import { checkAccountPhrase } from '../../node/devices/phrase-authority.ts'
import { backupPhraseOf, phraseOfSecret } from '../../node/identity/backup-phrase.ts'
import { generateIdentity } from '../../node/identity/index.ts'
import {
  accountKeyFromMasterSecret,
  generateMasterSecret,
  type OpenedDeviceList,
  recoveryCommitment,
  recoveryKeyFromMasterSecret,
} from '../../protocol/accounts/index.ts'

function listOf(account: Uint8Array, nextRecovery: Uint8Array): OpenedDeviceList {
  return { account, nextRecovery } as unknown as OpenedDeviceList
}

describe("the account's phrase", () => {
  it('is its recovery phrase whose recovery key in force the list commits to, or its key backup phrase', () => {
    const master = generateMasterSecret()
    const account = accountKeyFromMasterSecret(master).publicKey
    const phrase = phraseOfSecret(master)
    const committed = (n: number) =>
      listOf(account, recoveryCommitment(recoveryKeyFromMasterSecret(master, n).publicKey))
    expect(() => checkAccountPhrase(phrase, committed(0))).not.toThrow()
    // After two recoveries, R_2 is the key in force.
    expect(() => checkAccountPhrase(phrase, committed(2))).not.toThrow()
    const other = phraseOfSecret(generateMasterSecret())
    expect(() => checkAccountPhrase(other, committed(0))).toThrow(
      expect.objectContaining({ name: 'WrongPhraseError' }),
    )
    expect(() => checkAccountPhrase(phrase, listOf(account, new Uint8Array(0)))).toThrow(
      expect.objectContaining({ name: 'WrongPhraseError' }),
    )
    expect(() => checkAccountPhrase('not a phrase at all', committed(0))).toThrow(
      expect.objectContaining({ name: 'WrongPhraseError' }),
    )

    // An account from before recovery phrases: its key's own backup phrase.
    const old = generateIdentity()
    expect(() =>
      checkAccountPhrase(backupPhraseOf(old), listOf(old.publicKey, new Uint8Array(0))),
    ).not.toThrow()
    expect(() =>
      checkAccountPhrase(
        backupPhraseOf(generateIdentity()),
        listOf(old.publicKey, new Uint8Array(0)),
      ),
    ).toThrow(expect.objectContaining({ name: 'WrongPhraseError' }))
  })
})
