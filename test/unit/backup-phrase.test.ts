import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  BACKUP_PHRASE_WORDS,
  backupPhraseOf,
  generateIdentity,
  identityFromBackupPhrase,
  identityFromSeed,
  Keystore,
} from '../../node/identity/index.ts'

const FAST = { N: 2 ** 10, r: 8, p: 1 }
const PASSWORD = 'correct horse battery staple'
// BIP39 test vector: 32 zero bytes of entropy.
const ZERO_PHRASE = `${'abandon '.repeat(23)}art`

function problemOf(phrase: string): string {
  try {
    identityFromBackupPhrase(phrase)
  } catch (err) {
    expect((err as Error).name).toBe('InvalidBackupPhraseError')
    return (err as { problem: string }).problem
  }
  return 'accepted'
}

describe('backup phrase', () => {
  it('is the 24-word BIP39 encoding of the seed', () => {
    const identity = identityFromSeed(new Uint8Array(32))
    expect(backupPhraseOf(identity)).toBe(ZERO_PHRASE)
    const fresh = generateIdentity()
    const phrase = backupPhraseOf(fresh)
    expect(phrase.split(' ')).toHaveLength(BACKUP_PHRASE_WORDS)
    const restored = identityFromBackupPhrase(phrase)
    expect(Buffer.from(restored.privateKey).equals(Buffer.from(fresh.privateKey))).toBe(true)
    expect(Buffer.from(restored.publicKey).equals(Buffer.from(fresh.publicKey))).toBe(true)
  })

  it('accepts any case and spacing', () => {
    const phrase = backupPhraseOf(generateIdentity())
    const typed = `  ${phrase.toUpperCase().split(' ').join(' \n\t ')}  `
    expect(identityFromBackupPhrase(typed).publicKey).toEqual(
      identityFromBackupPhrase(phrase).publicKey,
    )
  })

  it('says when the word count is wrong', () => {
    const words = ZERO_PHRASE.split(' ')
    expect(problemOf(words.slice(0, 12).join(' '))).toBe('word-count')
    expect(problemOf([...words, 'abandon'].join(' '))).toBe('word-count')
    expect(problemOf('')).toBe('word-count')
    expect(() => identityFromBackupPhrase(words.slice(1).join(' '))).toThrow(/has 23 words/)
  })

  it('names the unknown word and suggests the likely one', () => {
    const words = ZERO_PHRASE.split(' ')
    words[6] = 'abandom'
    expect(problemOf(words.join(' '))).toBe('unknown-word')
    expect(() => identityFromBackupPhrase(words.join(' '))).toThrow(
      /Word 7 .*'abandom'.*Did you mean 'abandon'/,
    )
    words[6] = 'xyz'
    expect(() => identityFromBackupPhrase(words.join(' '))).toThrow(/^Word 7 [^?]*$/)
  })

  it('says when the checksum fails: a wrong or swapped word', () => {
    expect(problemOf(`${'abandon '.repeat(23)}abandon`)).toBe('checksum')
    const words = backupPhraseOf(
      identityFromSeed(Uint8Array.from({ length: 32 }, (_, i) => i)),
    ).split(' ')
    expect(problemOf(words.join(' '))).toBe('accepted')
    ;[words[0], words[1]] = [words[1], words[0]]
    expect(problemOf(words.join(' '))).toBe('checksum')
  })
})

describe('Keystore.restore', () => {
  let dir: string

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tokenim-restore-'))
  })

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('brings back the same identity under a new password', async () => {
    const original = new Keystore(join(dir, 'a'), { scrypt: FAST })
    const { identity, backupPhrase } = await original.create(PASSWORD)
    const restored = new Keystore(join(dir, 'b'), { scrypt: FAST })
    const newPassword = 'another long passphrase here'
    expect((await restored.restore(backupPhrase, newPassword)).publicKey).toEqual(
      identity.publicKey,
    )
    expect((await restored.unlock(newPassword)).privateKey).toEqual(identity.privateKey)
  })

  it('changes nothing on a bad phrase, a weak password or without replace', async () => {
    const keystore = new Keystore(dir, { scrypt: FAST })
    const { identity } = await keystore.create(PASSWORD)
    const before = await readFile(keystore.path)
    const other = backupPhraseOf(generateIdentity())

    await expect(keystore.restore(other, PASSWORD)).rejects.toMatchObject({
      name: 'KeystoreExistsError',
    })
    await expect(keystore.restore(other, 'weak', { replace: true })).rejects.toMatchObject({
      name: 'WeakPasswordError',
    })
    await expect(
      keystore.restore(`${'abandon '.repeat(23)}abandon`, PASSWORD, { replace: true }),
    ).rejects.toMatchObject({ name: 'InvalidBackupPhraseError', problem: 'checksum' })
    expect((await readFile(keystore.path)).equals(before)).toBe(true)
    expect((await keystore.unlock(PASSWORD)).publicKey).toEqual(identity.publicKey)

    const replaced = await keystore.restore(other, PASSWORD, { replace: true })
    expect(replaced.publicKey).toEqual(identityFromBackupPhrase(other).publicKey)
    expect((await keystore.unlock(PASSWORD)).publicKey).toEqual(replaced.publicKey)
  })
})
