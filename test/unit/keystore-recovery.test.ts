/**
 * The recovery commitment in the keystore (doc/accounts.md, "The backup phrase becomes the
 * recovery authority"): a new account's phrase is its master secret M, the keystore keeps
 * A's seed and SHA-256(R_0) but never M; an older account commits to a second phrase the
 * user types back; a rotation keeps the commitment; a recovery with the phrase moves the
 * account to a new key by a statement the resolver prefers over any rotation since.
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  backupPhraseOf,
  generateIdentity,
  Keystore,
  secretFromPhrase,
  totpCode,
  totpSecretFromText,
} from '../../node/identity/index.ts'
import {
  accountKeyFromMasterSecret,
  openKeyStatement,
  recoveryCommitment,
  recoveryKeyFromMasterSecret,
  resolveKeyChain,
} from '../../protocol/accounts/index.ts'
import { outcomeOf } from '../helpers/outcome.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'

const FAST = { N: 2 ** 10, r: 8, p: 1 }
const PASSWORD = 'correct horse battery staple'
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')

let dir: Awaited<ReturnType<typeof makeTempDir>>
beforeEach(async () => {
  dir = await makeTempDir('tokenim-recovery-')
})
afterEach(() => dir.remove())

function commitmentOf(phrase: string, index: number): string {
  const master = secretFromPhrase(phrase)
  return hex(recoveryCommitment(recoveryKeyFromMasterSecret(master, index).publicKey))
}

/** Every byte the data folder holds, to look for a secret in. */
async function folderBytes(path: string): Promise<Buffer> {
  const parts: Buffer[] = []
  for (const entry of await readdir(path, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) parts.push(await readFile(join(entry.parentPath, entry.name)))
  }
  return Buffer.concat(parts)
}

describe('a new account', () => {
  it('gets a phrase of its master secret; the keystore keeps A and SHA-256(R_0), never M', async () => {
    const keystore = new Keystore(dir.path, { scrypt: FAST })
    const { identity, backupPhrase } = await keystore.create(PASSWORD)
    const master = secretFromPhrase(backupPhrase)
    expect(hex(identity.publicKey)).toBe(hex(accountKeyFromMasterSecret(master).publicKey))
    const chain = await keystore.keyChain()
    expect(hex(chain.commitment)).toBe(commitmentOf(backupPhrase, 0))
    expect(await keystore.recoveryStatus()).toEqual({ committed: true, recoveries: 0 })

    const stored = await folderBytes(dir.path)
    expect(stored.includes(Buffer.from(master))).toBe(false)
    expect(stored.includes(Buffer.from(hex(master)))).toBe(false)
    expect(stored.includes(Buffer.from(backupPhrase))).toBe(false)
    for (const entry of await readdir(dir.path)) {
      if (entry.startsWith('identity.')) {
        expect((await stat(join(dir.path, entry))).mode & 0o777, entry).toBe(0o600)
      }
    }
  })

  it('is restored from the phrase on a new machine with its key and commitment', async () => {
    const { identity, backupPhrase } = await new Keystore(dir.path, { scrypt: FAST }).create(
      PASSWORD,
    )
    const other = await makeTempDir('tokenim-recovery-restored-')
    try {
      const restored = new Keystore(other.path, { scrypt: FAST })
      expect(hex((await restored.restore(backupPhrase, PASSWORD)).publicKey)).toBe(
        hex(identity.publicKey),
      )
      expect(hex((await restored.keyChain()).commitment)).toBe(commitmentOf(backupPhrase, 0))
    } finally {
      await other.remove()
    }
  })

  it('keeps its commitment through a rotation', async () => {
    const keystore = new Keystore(dir.path, { scrypt: FAST })
    const { backupPhrase } = await keystore.create(PASSWORD)
    const rotated = await keystore.rotate(PASSWORD)
    expect(hex(openKeyStatement('rotation', rotated.statement).nextRecovery)).toBe(
      commitmentOf(backupPhrase, 0),
    )
    expect(hex((await keystore.keyChain()).commitment)).toBe(commitmentOf(backupPhrase, 0))
  })
})

describe('an account from before the commitment', () => {
  async function olderAccount(keystore: Keystore) {
    const identity = generateIdentity()
    await keystore.restore(backupPhraseOf(identity), PASSWORD)
    return identity
  }

  it('says it has none, and commits to a recovery phrase once the user types it back', async () => {
    const keystore = new Keystore(dir.path, { scrypt: FAST })
    const identity = await olderAccount(keystore)
    expect(await keystore.recoveryStatus()).toEqual({ committed: false, recoveries: 0 })

    const { recoveryPhrase } = await keystore.recoveryPhraseSetup(PASSWORD)
    expect(recoveryPhrase.split(' ')).toHaveLength(24)
    // Nothing is committed until the phrase comes back.
    expect(await keystore.recoveryStatus()).toEqual({ committed: false, recoveries: 0 })
    const other = (await keystore.recoveryPhraseSetup(PASSWORD)).recoveryPhrase
    expect(await outcomeOf(keystore.commitRecoveryPhrase(PASSWORD, 'abandon '.repeat(24)))).toBe(
      'InvalidBackupPhraseError',
    )
    expect(
      await outcomeOf(keystore.commitRecoveryPhrase(PASSWORD, backupPhraseOf(generateIdentity()))),
    ).toBe('NotARecoveryPhraseError')
    await keystore.commitRecoveryPhrase(PASSWORD, recoveryPhrase)
    expect(await keystore.recoveryStatus()).toEqual({ committed: true, recoveries: 0 })
    const chain = await keystore.keyChain()
    expect(hex(chain.commitment)).toBe(commitmentOf(recoveryPhrase, 0))
    expect(hex(chain.current)).toBe(hex(identity.publicKey))
    expect(await outcomeOf(keystore.commitRecoveryPhrase(PASSWORD, other))).toBe(
      'RecoveryAlreadyCommittedError',
    )
    expect(await outcomeOf(keystore.commitRecoveryPhrase('wrong password 123', other))).toBe(
      'WrongPasswordError',
    )
  })

  it('asks for a two-factor code before showing a recovery phrase', async () => {
    const keystore = new Keystore(dir.path, { scrypt: FAST })
    await olderAccount(keystore)
    const { secret } = await keystore.twoFactorSetup()
    await keystore.enableTwoFactor(
      PASSWORD,
      secret,
      totpCode(totpSecretFromText(secret), Date.now()),
    )
    expect(await outcomeOf(keystore.recoveryPhraseSetup(PASSWORD))).toBe('TwoFactorRequiredError')
  })
})

describe('Keystore.recover', () => {
  it('moves the account to a new key by a statement that undoes a thief’s rotation', async () => {
    const keystore = new Keystore(dir.path, { scrypt: FAST })
    const { identity: original, backupPhrase } = await keystore.create(PASSWORD)
    // The thief: a copy of the folder and the password, rotating first.
    const copy = await makeTempDir('tokenim-recovery-thief-')
    try {
      for (const entry of await readdir(dir.path)) {
        const bytes = await readFile(join(dir.path, entry))
        await writeFile(join(copy.path, entry), bytes)
      }
      const thief = await new Keystore(copy.path, { scrypt: FAST }).rotate(PASSWORD)

      expect(await outcomeOf(keystore.recover(PASSWORD, backupPhraseOf(generateIdentity())))).toBe(
        'NotARecoveryPhraseError',
      )
      const recovered = await keystore.recover(PASSWORD, backupPhrase)
      const statement = openKeyStatement('recovery', recovered.statement)
      expect(hex(statement.oldKey)).toBe(hex(original.publicKey))
      expect(statement.sequence).toBe(1)
      expect(hex(statement.nextRecovery)).toBe(commitmentOf(backupPhrase, 1))
      expect(hex(await keystore.publicKey())).toBe(hex(recovered.identity.publicKey))
      expect(hex((await keystore.unlock(PASSWORD)).publicKey)).toBe(
        hex(recovered.identity.publicKey),
      )
      // Data at rest keeps its secret: the original seed.
      expect(hex(recovered.identity.atRestSeed ?? new Uint8Array(0))).toBe(hex(original.privateKey))

      // What a friend who saw both concludes.
      const seen = resolveKeyChain(
        { account: original.publicKey, commitment: secretCommitment(backupPhrase) },
        [
          { kind: 'rotation', record: thief.statement },
          { kind: 'recovery', record: recovered.statement },
        ],
      )
      expect(hex(seen.current)).toBe(hex(recovered.identity.publicKey))
      expect(seen.retired.map(hex)).toContain(hex(thief.identity.publicKey))

      expect(await keystore.recoveryStatus()).toEqual({ committed: true, recoveries: 1 })
      // A second recovery uses R_1 and the epoch the first one started.
      const again = openKeyStatement(
        'recovery',
        (await keystore.recover(PASSWORD, backupPhrase)).statement,
      )
      expect(hex(again.oldKey)).toBe(hex(recovered.identity.publicKey))
      expect(again.sequence).toBe(2)
      expect(hex(again.nextRecovery)).toBe(commitmentOf(backupPhrase, 2))
    } finally {
      await copy.remove()
    }
  })

  it('refuses a phrase the account did not commit to, and an account with no commitment', async () => {
    const keystore = new Keystore(dir.path, { scrypt: FAST })
    await keystore.create(PASSWORD)
    const [otherDir, olderDir] = [await makeTempDir('tokenim-o-'), await makeTempDir('tokenim-p-')]
    try {
      const other = new Keystore(otherDir.path, { scrypt: FAST })
      const { backupPhrase: otherPhrase } = await other.create(PASSWORD)
      expect(await outcomeOf(keystore.recover(PASSWORD, otherPhrase))).toBe(
        'RecoveryPhraseMismatchError',
      )
      const older = new Keystore(olderDir.path, { scrypt: FAST })
      await older.restore(backupPhraseOf(generateIdentity()), PASSWORD)
      expect(await outcomeOf(older.recover(PASSWORD, otherPhrase))).toBe(
        'NoRecoveryCommitmentError',
      )
    } finally {
      await otherDir.remove()
      await olderDir.remove()
    }
  })
})

function secretCommitment(phrase: string): Uint8Array {
  return recoveryCommitment(recoveryKeyFromMasterSecret(secretFromPhrase(phrase), 0).publicKey)
}
