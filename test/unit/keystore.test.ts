import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  backupPhraseOf,
  DEFAULT_SCRYPT_PARAMS,
  generateIdentity,
  type Identity,
  KEY_CHAIN_FILE,
  KEYSTORE_FILE,
  Keystore,
  LOCKOUT_FILE,
  type ScryptParams,
} from '../../node/identity/index.ts'
import {
  parseSealedKeyFile,
  type SealedKeyFile,
  sealIdentity,
  serializeSealedKeyFile,
  unsealIdentity,
} from '../../node/identity/sealed-key.ts'

// Tests seal with cheap parameters; one test covers the default cost.
const FAST: ScryptParams = { N: 2 ** 10, r: 8, p: 1 }
const PASSWORD = 'correct horse battery staple'
const OTHER_PASSWORD = 'violet lantern under rain'

let dir: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tokenim-keystore-'))
})

afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

function sameIdentity(a: Identity, b: Identity): void {
  expect(Buffer.from(a.privateKey).equals(Buffer.from(b.privateKey))).toBe(true)
  expect(Buffer.from(a.publicKey).equals(Buffer.from(b.publicKey))).toBe(true)
}

describe('Keystore create and unlock', () => {
  it('seals with N >= 2^17 by default and unlocks with the password', async () => {
    const keystore = new Keystore(dir)
    const { identity, backupPhrase } = await keystore.create(PASSWORD)
    const file = JSON.parse(await readFile(join(dir, KEYSTORE_FILE), 'utf8'))
    expect(file.format).toBe('tokenim-keystore')
    expect(file.version).toBe(2)
    expect(file.kdf).toMatchObject({ name: 'scrypt', r: 8, p: 1 })
    expect(file.kdf.N).toBeGreaterThanOrEqual(2 ** 17)
    expect(DEFAULT_SCRYPT_PARAMS.N).toBeGreaterThanOrEqual(2 ** 17)
    expect(file.publicKey).toBe(Buffer.from(identity.publicKey).toString('hex'))
    expect(backupPhrase.split(' ')).toHaveLength(24)
    sameIdentity(await keystore.unlock(PASSWORD), identity)
  })

  it('writes the file with mode 0600 and leaves no temporary file', async () => {
    const keystore = new Keystore(dir, { scrypt: FAST })
    await keystore.create(PASSWORD)
    expect((await stat(keystore.path)).mode & 0o777).toBe(0o600)
    expect((await readdir(dir)).sort()).toEqual([KEY_CHAIN_FILE, KEYSTORE_FILE, LOCKOUT_FILE])
    expect((await stat(join(dir, LOCKOUT_FILE))).mode & 0o777).toBe(0o600)
    expect((await stat(join(dir, KEY_CHAIN_FILE))).mode & 0o777).toBe(0o600)
  })

  it('never writes the seed in the clear', async () => {
    const keystore = new Keystore(dir, { scrypt: FAST })
    const { identity } = await keystore.create(PASSWORD)
    const text = await readFile(keystore.path, 'utf8')
    const seedHex = Buffer.from(identity.privateKey).toString('hex')
    expect(text).not.toContain(seedHex)
    expect(text).not.toContain(Buffer.from(identity.privateKey).toString('base64'))
  })

  it('reports exists(), reads the public key without the password', async () => {
    const keystore = new Keystore(dir, { scrypt: FAST })
    expect(await keystore.exists()).toBe(false)
    await expect(keystore.publicKey()).rejects.toMatchObject({ name: 'KeystoreMissingError' })
    const { identity } = await keystore.create(PASSWORD)
    expect(await keystore.exists()).toBe(true)
    expect(Buffer.from(await keystore.publicKey()).equals(Buffer.from(identity.publicKey))).toBe(
      true,
    )
  })

  it('refuses a weak password with its reason and writes nothing', async () => {
    const keystore = new Keystore(dir, { scrypt: FAST })
    const err = await keystore.create('short').catch((e) => e)
    expect(err.name).toBe('WeakPasswordError')
    expect(err.reason).toMatch(/fewer than 10/)
    expect(await keystore.exists()).toBe(false)
  })

  it('refuses to replace an identity unless asked to', async () => {
    const keystore = new Keystore(dir, { scrypt: FAST })
    const first = await keystore.create(PASSWORD)
    await expect(keystore.assertAbsent()).rejects.toMatchObject({ name: 'KeystoreExistsError' })
    await expect(keystore.create(PASSWORD)).rejects.toMatchObject({ name: 'KeystoreExistsError' })
    sameIdentity(await keystore.unlock(PASSWORD), first.identity)
    const second = await keystore.create(OTHER_PASSWORD, { replace: true })
    sameIdentity(await keystore.unlock(OTHER_PASSWORD), second.identity)
    expect(
      Buffer.from(second.identity.publicKey).equals(Buffer.from(first.identity.publicKey)),
    ).toBe(false)
  })

  it('says which failure: missing file, wrong password', async () => {
    const keystore = new Keystore(dir, { scrypt: FAST })
    await expect(keystore.unlock(PASSWORD)).rejects.toMatchObject({
      name: 'KeystoreMissingError',
    })
    await keystore.create(PASSWORD)
    const err = await keystore.unlock(OTHER_PASSWORD).catch((e) => e)
    expect(err.name).toBe('WrongPasswordError')
    expect(err.message).toMatch(/backup phrase/)
  })

  it('reads a password typed in another Unicode normalization form', async () => {
    const keystore = new Keystore(dir, { scrypt: FAST })
    const composed = 'caf\u00e9 au lait sans sucre'
    const { identity } = await keystore.create(composed)
    sameIdentity(await keystore.unlock(composed.normalize('NFD')), identity)
  })
})

describe('sealed key file integrity', () => {
  it('fails with a typed error, never unlocks, whichever single byte is changed', async () => {
    const keystore = new Keystore(dir, { scrypt: FAST })
    await keystore.create(PASSWORD)
    const original = await readFile(keystore.path)
    const seen = new Set<string>()
    for (let position = 0; position < original.length; position++) {
      for (const mask of [0x01, 0x20, 0x80]) {
        const damaged = Buffer.from(original)
        damaged[position] ^= mask
        await writeFile(keystore.path, damaged)
        const err = await keystore.unlock(PASSWORD).then(
          () => new Error(`unlocked with byte ${position} changed by ${mask}`),
          (e) => e,
        )
        expect(['KeystoreCorruptedError', 'KeystoreFormatError']).toContain(err.name)
        seen.add(err.name)
      }
    }
    expect(seen).toEqual(new Set(['KeystoreCorruptedError', 'KeystoreFormatError']))
    // Damage never counted as a wrong password.
    expect((await keystore.lockoutStatus()).failures).toBe(0)
    await writeFile(keystore.path, original)
    await keystore.unlock(PASSWORD)
  })

  it('fails on a truncated file of any length', async () => {
    const keystore = new Keystore(dir, { scrypt: FAST })
    await keystore.create(PASSWORD)
    const original = await readFile(keystore.path)
    for (let length = 0; length < original.length; length++) {
      await writeFile(keystore.path, original.subarray(0, length))
      await expect(keystore.unlock(PASSWORD)).rejects.toMatchObject({
        name: expect.stringMatching(/^Keystore(Corrupted|Format)Error$/),
      })
    }
  })

  // An attacker can recompute the unkeyed checksum; the AEAD's associated data still binds
  // every header field, so each such edit fails to unseal.
  it('binds the header and public key as associated data', async () => {
    const identity = generateIdentity()
    const path = join(dir, 'forged.key')
    const text = new TextDecoder().decode(await sealIdentity(identity, PASSWORD, FAST))
    const file = parseSealedKeyFile(new TextEncoder().encode(text), path)
    const other = generateIdentity()
    const edits: Array<(f: SealedKeyFile) => void> = [
      (f) => {
        f.publicKey = Buffer.from(other.publicKey).toString('hex')
      },
      (f) => {
        f.kdf.salt = flipHex(f.kdf.salt)
      },
      (f) => {
        f.kdf.N = 2 ** 11
      },
      (f) => {
        f.kdf.r = 9
      },
      (f) => {
        f.nonce = flipHex(f.nonce)
      },
      (f) => {
        f.ciphertext = flipHex(f.ciphertext)
      },
    ]
    sameIdentity(await unsealIdentity(file, PASSWORD, path), identity)
    for (const edit of edits) {
      const forged = structuredClone(file)
      edit(forged)
      const parsed = parseSealedKeyFile(serializeSealedKeyFile(forged), path)
      await expect(unsealIdentity(parsed, PASSWORD, path)).rejects.toMatchObject({
        name: 'WrongPasswordError',
      })
    }
  })

  it('refuses a file that asks for unbounded scrypt memory', async () => {
    const file = parseSealedKeyFile(await sealIdentity(generateIdentity(), PASSWORD, FAST), 'x')
    file.kdf.N = 2 ** 24
    expect(() => parseSealedKeyFile(serializeSealedKeyFile(file), 'x')).toThrow(
      expect.objectContaining({ name: 'KeystoreFormatError' }),
    )
  })
})

describe('Keystore export and import', () => {
  let source: Keystore
  let identity: Identity
  let exported: string

  beforeEach(async () => {
    source = new Keystore(join(dir, 'a'), { scrypt: FAST })
    identity = (await source.create(PASSWORD)).identity
    exported = join(dir, 'exported.key')
  })

  it('moves the identity under another password', async () => {
    await source.export(PASSWORD, exported, { exportPassword: OTHER_PASSWORD })
    expect((await stat(exported)).mode & 0o777).toBe(0o600)
    const target = new Keystore(join(dir, 'b'), { scrypt: FAST })
    sameIdentity(await target.import(exported, OTHER_PASSWORD), identity)
    sameIdentity(await target.unlock(OTHER_PASSWORD), identity)
  })

  it('exports under the keystore password by default, and needs that password', async () => {
    await expect(source.export(OTHER_PASSWORD, exported)).rejects.toMatchObject({
      name: 'WrongPasswordError',
    })
    await source.export(PASSWORD, exported)
    const target = new Keystore(join(dir, 'b'), { scrypt: FAST })
    sameIdentity(await target.import(exported, PASSWORD), identity)
  })

  it('refuses a weak export password and an existing output file', async () => {
    await expect(
      source.export(PASSWORD, exported, { exportPassword: 'password1' }),
    ).rejects.toMatchObject({ name: 'WeakPasswordError' })
    await writeFile(exported, 'keep me')
    await expect(source.export(PASSWORD, exported)).rejects.toMatchObject({
      name: 'KeystoreExistsError',
    })
    expect(await readFile(exported, 'utf8')).toBe('keep me')
    await source.export(PASSWORD, exported, { replace: true })
    expect(JSON.parse(await readFile(exported, 'utf8')).format).toBe('tokenim-keystore')
  })

  it('leaves the existing keystore untouched on every kind of failure', async () => {
    await source.export(PASSWORD, exported, { exportPassword: OTHER_PASSWORD })
    const target = new Keystore(join(dir, 'b'), { scrypt: FAST })
    const existing = (await target.create(PASSWORD)).identity
    const before = await readFile(target.path)
    const good = await readFile(exported)

    const attempts: Array<[string, () => Promise<unknown>]> = [
      ['KeystoreExistsError', () => target.import(exported, OTHER_PASSWORD)],
      ['WrongPasswordError', () => target.import(exported, PASSWORD, { replace: true })],
      [
        'KeystoreMissingError',
        () => target.import(join(dir, 'nope.key'), OTHER_PASSWORD, { replace: true }),
      ],
    ]
    const truncated = join(dir, 'truncated.key')
    await writeFile(truncated, good.subarray(0, good.length - 40))
    attempts.push([
      'KeystoreCorruptedError',
      () => target.import(truncated, OTHER_PASSWORD, { replace: true }),
    ])
    const flipped = join(dir, 'flipped.key')
    const flippedBytes = Buffer.from(good)
    flippedBytes[good.indexOf('"ciphertext"') + 20] ^= 0x01
    await writeFile(flipped, flippedBytes)
    attempts.push([
      'KeystoreCorruptedError',
      () => target.import(flipped, OTHER_PASSWORD, { replace: true }),
    ])
    const foreign = join(dir, 'foreign.json')
    await writeFile(foreign, JSON.stringify({ format: 'some-wallet', version: 3 }))
    attempts.push([
      'KeystoreFormatError',
      () => target.import(foreign, OTHER_PASSWORD, { replace: true }),
    ])
    const newer = join(dir, 'newer.key')
    await writeFile(newer, good.toString().replace('"version": 1', '"version": 4'))
    attempts.push([
      'KeystoreFormatError',
      () => target.import(newer, OTHER_PASSWORD, { replace: true }),
    ])

    for (const [name, attempt] of attempts) {
      const err = await attempt().then(
        () => new Error(`expected ${name}`),
        (e) => e,
      )
      expect(err.name).toBe(name)
      expect((await readFile(target.path)).equals(before)).toBe(true)
    }
    sameIdentity(await target.unlock(PASSWORD), existing)

    sameIdentity(await target.import(exported, OTHER_PASSWORD, { replace: true }), identity)
    sameIdentity(await target.unlock(OTHER_PASSWORD), identity)
  })

  it('seals an imported identity again with the keystore parameters', async () => {
    const weakExport = new Keystore(join(dir, 'c'), { scrypt: { N: 2 ** 4, r: 1, p: 1 } })
    await weakExport.restore(backupPhraseOf(identity), PASSWORD)
    await weakExport.export(PASSWORD, exported)
    const target = new Keystore(join(dir, 'b'), { scrypt: FAST })
    await target.import(exported, PASSWORD)
    expect(JSON.parse(await readFile(target.path, 'utf8')).kdf.N).toBe(FAST.N)
  })
})

function flipHex(hex: string): string {
  return (hex[0] === '0' ? '1' : '0') + hex.slice(1)
}
