/**
 * The node daemon behind `tokenim start`: the web client's files without the token and
 * behind the Host/Origin checks, and the locked mode (create, restore, unlock with lockout)
 * that ends with the node's own routes on the same server.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { contentSecurityPolicy } from '../../node/api/web-assets.ts'
import { dataDirPaths } from '../../node/data-dir.ts'
import {
  generateIdentity,
  Keystore,
  NodeDaemon,
  type NodeDaemonInit,
  peerIdOf,
} from '../../node/index.ts'
import { openStorage } from '../../node/storage.ts'
import {
  API_PATHS,
  type ApiErrorBody,
  type CreateIdentityResponse,
  FRIENDS_API_PATHS,
  type FriendRequestsResponse,
  IDENTITY_API_PATHS,
  type IdentityInfo,
  type IdentityPhraseResponse,
  type RecoveryStatusResponse,
  type RotateKeyResponse,
  type StateResponse,
} from '../../protocol/local-api.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { waitForEvent, withTimeout } from '../helpers/wait.ts'

const PASSWORD = 'correct horse battery staple 42'
const FAST_SCRYPT = { N: 2 ** 10, r: 8, p: 1 }

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function tempDir(): Promise<string> {
  const dir = await makeTempDir()
  cleanups.push(() => dir.remove())
  return dir.path
}

async function startDaemon(init: Partial<NodeDaemonInit> & { dataDir: string }) {
  const daemon = new NodeDaemon({
    webRoot: false,
    keystore: { scrypt: FAST_SCRYPT },
    node: { listen: ['/ip4/127.0.0.1/tcp/0'], allowPrivateAddresses: true },
    ...init,
  })
  await daemon.start()
  cleanups.push(() => daemon.stop())
  const call = async <T>(method: string, path: string, body?: unknown) => {
    const response = await fetch(`${daemon.api.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${daemon.api.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    return { status: response.status, body: (await response.json()) as T & ApiErrorBody }
  }
  return { daemon, call }
}

describe('web client files', () => {
  it('are served without the token, with content types and a strict CSP', async () => {
    const webRoot = await tempDir()
    await mkdir(join(webRoot, 'assets'))
    await writeFile(join(webRoot, 'index.html'), '<!doctype html><title>t</title>')
    await writeFile(join(webRoot, 'assets', 'index-abc123.js'), 'console.log(1)')
    await writeFile(join(webRoot, 'assets', 'index-abc123.css'), 'body{}')
    const { daemon } = await startDaemon({ dataDir: await tempDir(), webRoot })
    const { url } = daemon.api
    const port = new URL(url).port

    const index = await fetch(`${url}/`)
    expect(index.status).toBe(200)
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(index.headers.get('cache-control')).toBe('no-cache')
    const csp = index.headers.get('content-security-policy') ?? ''
    expect(csp).toBe(contentSecurityPolicy(Number(port)))
    expect(csp).toContain("default-src 'self'")
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`)
    expect(csp).not.toContain('unsafe-inline')
    expect(index.headers.get('x-content-type-options')).toBe('nosniff')
    expect(await index.text()).toContain('<title>t</title>')

    const script = await fetch(`${url}/assets/index-abc123.js`)
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(script.headers.get('cache-control')).toContain('immutable')
    const style = await fetch(`${url}/assets/index-abc123.css`)
    expect(style.headers.get('content-type')).toBe('text/css; charset=utf-8')

    expect((await fetch(`${url}/missing.js`)).status).toBe(404)
    expect((await fetch(`${url}/../../etc/passwd`)).status).toBe(404)
    expect((await fetch(`${url}/`, { method: 'POST' })).status).toBe(405)
    expect((await fetch(`${url}/`, { headers: { origin: 'http://evil.example' } })).status).toBe(
      403,
    )
    // The API itself still needs the token.
    expect((await fetch(`${url}${API_PATHS.state}`)).status).toBe(401)
  })

  it('refuses a page request whose Host names another site (DNS rebinding)', async () => {
    const webRoot = await tempDir()
    await writeFile(join(webRoot, 'index.html'), '<!doctype html>')
    const { daemon } = await startDaemon({ dataDir: await tempDir(), webRoot })
    // fetch() will not forge Host: a WebSocket upgrade to `/` with one shows the same check.
    const socket = new WebSocket(`${daemon.api.url.replace('http', 'ws')}/`, {
      headers: { host: 'attacker.example' },
    })
    const status = await withTimeout(
      new Promise<number>((resolve) =>
        socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)),
      ),
      5_000,
      'refused upgrade',
    )
    expect(status).toBe(403)
  })
})

describe('locked mode', () => {
  it('creates an identity once, answers its phrase, then serves the node routes', async () => {
    const dataDir = await tempDir()
    const { daemon, call } = await startDaemon({ dataDir })
    expect((await call<StateResponse>('GET', API_PATHS.state)).body).toEqual({
      state: 'no-identity',
    })
    expect((await call('GET', API_PATHS.status)).status).toBe(404)

    const weak = await call('POST', API_PATHS.identity, { password: 'password1' })
    expect(weak.status).toBe(400)
    expect(weak.body.error.name).toBe('WeakPasswordError')
    const missing = await call('POST', API_PATHS.identity, {})
    expect(missing.body.error.name).toBe('InvalidRequest')

    const running = waitForEvent(daemon, 'running')
    const created = await call<CreateIdentityResponse>('POST', API_PATHS.identity, {
      password: PASSWORD,
    })
    expect(created.status).toBe(200)
    expect(created.body.backupPhrase.split(' ')).toHaveLength(24)
    await running
    expect(daemon.node?.peerId).toBe(created.body.peerId)

    expect((await call<StateResponse>('GET', API_PATHS.state)).body).toEqual({ state: 'running' })
    const status = await call<IdentityInfo>('GET', API_PATHS.status)
    expect(status.body.peerId).toBe(created.body.peerId)
    const again = await call('POST', API_PATHS.identity, { password: PASSWORD })
    expect(again.status).toBe(409)
    expect(again.body.error.name).toBe('AlreadyRunning')

    // The node's stop route ends the daemon too, and the API with it.
    const stopped = waitForEvent(daemon, 'stopped')
    expect((await call('POST', API_PATHS.stop)).status).toBe(200)
    await stopped
    await expect(fetch(`${daemon.api.url}/`)).rejects.toThrow()
  })

  it('hands out a new account phrase without writing anything; the identity is made from it', async () => {
    const dataDir = await tempDir()
    const { daemon, call } = await startDaemon({ dataDir })
    const weak = await call('POST', API_PATHS.identityPhrase, { password: 'password123' })
    expect(weak.body.error.name).toBe('WeakPasswordError')
    const first = await call<IdentityPhraseResponse>('POST', API_PATHS.identityPhrase, {
      password: PASSWORD,
    })
    expect(first.body.backupPhrase.split(' ')).toHaveLength(24)
    // Asked again (a tab closed on the words, then opened again): the same words, still no key.
    const again = await call<IdentityPhraseResponse>('POST', API_PATHS.identityPhrase, {
      password: PASSWORD,
    })
    expect(again.body.backupPhrase).toBe(first.body.backupPhrase)
    expect((await call<StateResponse>('GET', API_PATHS.state)).body).toEqual({
      state: 'no-identity',
      phrasePending: true,
    })
    expect(await new Keystore(dataDir).exists()).toBe(false)

    const created = await call<IdentityInfo>('POST', API_PATHS.identityRestore, {
      phrase: first.body.backupPhrase,
      password: PASSWORD,
    })
    expect(created.status).toBe(200)
    expect(daemon.node?.peerId).toBe(created.body.peerId)
    // A new account's phrase: the account committed to its recovery key, as at create.
    const recovery = await call<RecoveryStatusResponse>('GET', IDENTITY_API_PATHS.recovery)
    expect(recovery.body.committed).toBe(true)
    const late = await call('POST', API_PATHS.identityPhrase, { password: PASSWORD })
    expect(late.status).toBe(409)
  })

  it('unlocks with the lockout: 429 with retryAfterMs, then the right password', async () => {
    const dataDir = await tempDir()
    const first = await startDaemon({ dataDir })
    await first.call('POST', API_PATHS.identity, { password: PASSWORD })
    await first.daemon.stop()

    let now = Date.now()
    const { daemon, call } = await startDaemon({
      dataDir,
      keystore: { scrypt: FAST_SCRYPT, now: () => now },
    })
    expect((await call<StateResponse>('GET', API_PATHS.state)).body).toEqual({
      state: 'locked',
      failures: 0,
      retryAfterMs: 0,
    })
    for (let i = 0; i < 5; i++) {
      const wrong = await call('POST', API_PATHS.unlock, { password: `wrong password ${i}` })
      expect(wrong.status).toBe(403)
      expect(wrong.body.error).toMatchObject({ name: 'WrongPasswordError', kind: 'forbidden' })
    }
    const locked = await call('POST', API_PATHS.unlock, { password: PASSWORD })
    expect(locked.status).toBe(429)
    expect(locked.body.error.name).toBe('KeystoreLockedError')
    expect(locked.body.error.retryAfterMs).toBeGreaterThan(0)
    const state = (await call<StateResponse>('GET', API_PATHS.state)).body
    expect(state).toMatchObject({ state: 'locked', failures: 5 })
    expect(state.retryAfterMs).toBeGreaterThan(0)

    now += locked.body.error.retryAfterMs!
    const unlocked = await call<IdentityInfo>('POST', API_PATHS.unlock, { password: PASSWORD })
    expect(unlocked.status).toBe(200)
    expect(daemon.node?.peerId).toBe(unlocked.body.peerId)
    expect((await call('POST', API_PATHS.unlock, { password: PASSWORD })).status).toBe(409)
  })

  it('opens no sealed record while locked; unlocked, the node reads what it sealed', async () => {
    const dataDir = await tempDir()
    const first = await startDaemon({ dataDir })
    await first.call('POST', API_PATHS.identity, { password: PASSWORD })
    const stranger = peerIdOf(generateIdentity()).toString()
    const added = await first.call('POST', FRIENDS_API_PATHS.add, {
      to: stranger,
      note: 'the quince orchard at noon',
    })
    expect(added.status).toBe(200)
    await first.daemon.stop()

    const { call } = await startDaemon({ dataDir })
    expect((await call<StateResponse>('GET', API_PATHS.state)).body.state).toBe('locked')
    // The locked daemon has not opened the database: another process could, and finds
    // only sealed values there.
    const storage = await openStorage(dataDirPaths(dataDir).database)
    const values: string[] = []
    for await (const value of storage.sublevel('friends').values()) {
      values.push(Buffer.from(value).toString())
    }
    await storage.close()
    expect(values).toHaveLength(1)
    expect(values[0]).not.toContain('quince')

    const unlocked = await call<IdentityInfo>('POST', API_PATHS.unlock, { password: PASSWORD })
    expect(unlocked.status).toBe(200)
    const requests = await call<FriendRequestsResponse>('GET', FRIENDS_API_PATHS.requests)
    expect(requests.body.outgoing.map((request) => request.note)).toEqual([
      'the quince orchard at noon',
    ])
  })

  it('restores from the phrase: resets the password of this identity, refuses another', async () => {
    const dataDir = await tempDir()
    const first = await startDaemon({ dataDir })
    const created = await first.call<CreateIdentityResponse>('POST', API_PATHS.identity, {
      password: PASSWORD,
    })
    await first.daemon.stop()

    const other = await startDaemon({ dataDir: await tempDir() })
    const otherPhrase = (
      await other.call<CreateIdentityResponse>('POST', API_PATHS.identity, { password: PASSWORD })
    ).body.backupPhrase

    const { daemon, call } = await startDaemon({ dataDir })
    const mismatch = await call('POST', API_PATHS.identityRestore, {
      phrase: otherPhrase,
      password: 'a new password for this one',
    })
    expect(mismatch.status).toBe(409)
    expect(mismatch.body.error.name).toBe('BackupPhraseMismatch')
    const badPhrase = await call('POST', API_PATHS.identityRestore, {
      phrase: 'not a phrase',
      password: 'a new password for this one',
    })
    expect(badPhrase.body.error.name).toBe('InvalidBackupPhraseError')

    const restored = await call<IdentityInfo>('POST', API_PATHS.identityRestore, {
      phrase: created.body.backupPhrase,
      password: 'a new password for this one',
    })
    expect(restored.status).toBe(200)
    expect(restored.body.peerId).toBe(created.body.peerId)
    expect(daemon.node?.peerId).toBe(created.body.peerId)
    await daemon.stop()

    // The new password is the one that unlocks now.
    const next = await startDaemon({ dataDir })
    const old = await next.call('POST', API_PATHS.unlock, { password: PASSWORD })
    expect(old.body.error.name).toBe('WrongPasswordError')
    const fresh = await next.call('POST', API_PATHS.unlock, {
      password: 'a new password for this one',
    })
    expect(fresh.status).toBe(200)
  })
})

describe('key rotation', () => {
  it('rotates behind the same API: a new PeerId, the new key sealed, the daemon still up', async () => {
    const dataDir = await tempDir()
    const { daemon, call } = await startDaemon({ dataDir })
    const created = await call<CreateIdentityResponse>('POST', API_PATHS.identity, {
      password: PASSWORD,
    })
    const wrong = await call('POST', IDENTITY_API_PATHS.rotate, { password: 'not the password' })
    expect(wrong.body.error.name).toBe('WrongPasswordError')
    expect(daemon.node?.peerId).toBe(created.body.peerId)

    const rotated = await call<RotateKeyResponse>('POST', IDENTITY_API_PATHS.rotate, {
      password: PASSWORD,
    })
    expect(rotated.status).toBe(200)
    expect(rotated.body).toMatchObject({ previousPeerId: created.body.peerId, reached: 0 })
    expect(rotated.body.peerId).not.toBe(created.body.peerId)
    expect(rotated.body.backupPhrase).not.toBe(created.body.backupPhrase)
    expect(daemon.node?.peerId).toBe(rotated.body.peerId)
    const status = await call<IdentityInfo>('GET', API_PATHS.status)
    expect(status.body.peerId).toBe(rotated.body.peerId)
    expect((await call<StateResponse>('GET', API_PATHS.state)).body).toEqual({ state: 'running' })
  })
})
