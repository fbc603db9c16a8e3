/**
 * The routes behind the web client's settings: key export and the backup phrase (both behind
 * the password and its lockout), and the relay list (add and remove at once, saved in
 * config.json for the next start).
 */
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { relaysFromNodeConfig } from '../../node/bootstrap.ts'
import { identityFromBackupPhrase, Keystore } from '../../node/index.ts'
import { toHex } from '../../protocol/bytes.ts'
import { FAST_SCRYPT, startApiDaemon } from '../helpers/api-daemon.ts'
import { createNetwork, relayAddress } from '../helpers/relay-network.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { waitForEvent } from '../helpers/wait.ts'

const PASSWORD = 'correct horse battery staple 42'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function tempDir(): Promise<string> {
  const dir = await makeTempDir()
  cleanups.push(() => dir.remove())
  return dir.path
}

/** A daemon whose identity was created through the API; its typed client and backup phrase. */
async function startNode() {
  const dataDir = await tempDir()
  const { daemon, api } = await startApiDaemon(dataDir, cleanups)
  const created = await api.createIdentity({ password: PASSWORD })
  return { dataDir, daemon, api, created }
}

async function failure(call: Promise<unknown>): Promise<{ name: string; status: number }> {
  const err = (await call.then(
    () => {
      throw new Error('the call succeeded')
    },
    (error: unknown) => error,
  )) as { name: string; status: number }
  return { name: err.name, status: err.status }
}

describe('identity secrets through the local API', () => {
  it('exports a sealed key file that imports as the same identity', async () => {
    const { api, created } = await startNode()
    expect(await failure(api.exportKey({ password: 'not the password' }))).toEqual({
      name: 'WrongPasswordError',
      status: 403,
    })
    const exported = await api.exportKey({ password: PASSWORD })
    expect(exported.fileName).toMatch(/^tokenim-\w{8}\.key$/)
    expect(JSON.parse(exported.keyFile)).toMatchObject({ format: 'tokenim-keystore' })

    const elsewhere = await tempDir()
    const file = join(elsewhere, exported.fileName)
    await writeFile(file, exported.keyFile)
    const imported = await new Keystore(join(elsewhere, 'node'), { scrypt: FAST_SCRYPT }).import(
      file,
      PASSWORD,
    )
    expect(Buffer.from(imported.publicKey).toString('hex')).toBe(created.publicKey)
  })

  it('shows the backup phrase again for the password only, and meets the lockout', async () => {
    const { api, created } = await startNode()
    // The phrase of init is the recovery phrase, which the node never keeps; what Settings
    // shows is the current key's own phrase, which restores the same key.
    const shown = (await api.backupPhrase(PASSWORD)).backupPhrase
    expect(toHex(identityFromBackupPhrase(shown).publicKey)).toBe(created.publicKey)
    expect(toHex(identityFromBackupPhrase(created.backupPhrase).publicKey)).toBe(created.publicKey)
    for (let attempt = 0; attempt < 5; attempt++) {
      expect((await failure(api.backupPhrase('wrong password 123'))).name).toBe(
        'WrongPasswordError',
      )
    }
    // Past the free attempts, even the right password must wait.
    expect(await failure(api.backupPhrase(PASSWORD))).toEqual({
      name: 'KeystoreLockedError',
      status: 429,
    })
  })
})

describe('relays through the local API', () => {
  it('adds a relay at once and saves it, removes it and forgets it', async () => {
    const network = createNetwork()
    cleanups.push(() => network.close())
    const relay = await network.relay()
    const address = relayAddress(relay)
    const { api, daemon, dataDir } = await startNode()
    expect((await api.relays()).relays).toEqual([])

    const connected = waitForEvent(daemon.node!.host.services.relayBootstrap, 'relay:connected', {
      timeoutMs: 15_000,
    })
    const added = await api.addRelay(address)
    expect(added.relays.map(({ address, saved }) => ({ address, saved }))).toEqual([
      { address, saved: true },
    ])
    await connected
    expect((await api.relays()).relays[0].connected).toBe(true)
    expect(await relaysFromNodeConfig(dataDir)).toEqual([address])

    // Added twice: still one entry, saved once.
    expect((await api.addRelay(address)).relays).toHaveLength(1)
    expect(await relaysFromNodeConfig(dataDir)).toEqual([address])

    expect((await api.removeRelay(relay.peerId.toString())).relays).toEqual([])
    expect(JSON.parse(await readFile(join(dataDir, 'config.json'), 'utf8')).relays).toEqual([])
    expect(await failure(api.removeRelay(address))).toEqual({ name: 'RelayNotFound', status: 404 })
    expect(await failure(api.addRelay('/ip4/127.0.0.1/tcp/1'))).toEqual({
      name: 'InvalidConfigError',
      status: 400,
    })
  })
})
