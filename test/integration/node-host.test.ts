import { connect } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { LocalApiClient } from '../../client/api-client.ts'
import { createTokenimNode, generateIdentity, type TokenimNode } from '../../node/index.ts'
import {
  EVENTS_SUBPROTOCOL,
  type NodeEventMessage,
  TOKEN_SUBPROTOCOL_PREFIX,
} from '../../protocol/local-api.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { withTimeout } from '../helpers/wait.ts'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function startNode(options: { api?: boolean } = {}): Promise<TokenimNode> {
  const dir = await makeTempDir()
  const node = await createTokenimNode({
    dataDir: dir.path,
    identity: generateIdentity(),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    apiPort: options.api === true ? 0 : false,
    allowPrivateAddresses: true,
  })
  cleanups.push(async () => {
    await node.stop()
    await dir.remove()
  })
  return node
}

describe('node host', () => {
  it('two nodes on loopback connect and ping each other', async () => {
    const alice = await startNode()
    const bob = await startNode()
    const rtt = await alice.host.services.ping.ping(bob.host.getMultiaddrs()[0])
    expect(rtt).toBeGreaterThanOrEqual(0)
    expect(alice.status().peers).toContain(bob.peerId)
    expect(bob.status().peers).toContain(alice.peerId)
  })

  it('pings that overlap on one connection (connection monitor, DHT, a user) all answer', async () => {
    const alice = await startNode()
    const bob = await startNode()
    const connection = await alice.host.dial(bob.host.getMultiaddrs()[0])
    // libp2p's connection monitor aborts the whole connection when one of its pings fails,
    // and the ping service allowed one outbound and two inbound pings per connection.
    const rtts = await Promise.all([
      ...Array.from({ length: 3 }, () =>
        alice.host.services.ping.ping(bob.host.getMultiaddrs()[0]),
      ),
      ...Array.from({ length: 3 }, () =>
        bob.host.services.ping.ping(alice.host.getMultiaddrs()[0]),
      ),
    ])
    expect(rtts.every((rtt) => rtt >= 0)).toBe(true)
    expect(connection.status).toBe('open')
  })

  it('refuses to open a data dir that another node holds', async () => {
    const dir = await makeTempDir()
    cleanups.push(() => dir.remove())
    const first = await createTokenimNode({
      dataDir: dir.path,
      identity: generateIdentity(),
      listen: [],
      apiPort: false,
    })
    cleanups.push(() => first.stop())
    await expect(
      createTokenimNode({
        dataDir: dir.path,
        identity: generateIdentity(),
        listen: [],
        apiPort: false,
      }),
    ).rejects.toMatchObject({ name: 'DataDirLockedError' })
  })
})

describe('local API', () => {
  it('answers status with the token and the node peer id', async () => {
    const node = await startNode({ api: true })
    const client = await LocalApiClient.forDataDir(node.status().dataDir)
    const status = await client.status()
    expect(status.peerId).toBe(node.peerId)
    expect(status.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect((await client.id()).fingerprint).toBe(status.fingerprint)
  })

  it('refuses a missing token, a foreign Host and a foreign Origin', async () => {
    const node = await startNode({ api: true })
    const { info } = await LocalApiClient.forDataDir(node.status().dataDir)
    const url = `${info.url}/v1/status`
    const auth = { authorization: `Bearer ${info.token}` }

    expect((await fetch(url)).status).toBe(401)
    expect((await fetch(url, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401)
    const foreignOrigin = await fetch(url, { headers: { ...auth, origin: 'http://evil.example' } })
    expect(foreignOrigin.status).toBe(403)
    expect(((await foreignOrigin.json()) as { error: { name: string } }).error.name).toBe(
      'ForbiddenOrigin',
    )
    // fetch() will not forge Host, so speak HTTP through a WebSocket upgrade with a rebound host name.
    const rebound = new WebSocket(
      `${info.url.replace('http', 'ws')}/v1/events`,
      EVENTS_SUBPROTOCOL,
      {
        headers: { ...auth, host: 'attacker.example' },
      },
    )
    const refusal = await withTimeout(
      new Promise<number>((resolve) =>
        rebound.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)),
      ),
      5_000,
      'refused upgrade',
    )
    expect(refusal).toBe(403)
    expect((await fetch(url, { headers: auth })).status).toBe(200)
  })

  it('answers a request target that is no URL with 400, as a request and as an upgrade', async () => {
    const failures: unknown[] = []
    const onFailure = (reason: unknown) => failures.push(reason)
    process.on('unhandledRejection', onFailure)
    process.on('uncaughtException', onFailure)
    cleanups.push(async () => {
      process.off('unhandledRejection', onFailure)
      process.off('uncaughtException', onFailure)
    })
    const node = await startNode({ api: true })
    const { info } = await LocalApiClient.forDataDir(node.status().dataDir)
    const { port } = new URL(info.url)
    const host = `Host: 127.0.0.1:${port}\r\nAuthorization: Bearer ${info.token}\r\n`
    const upgrade = 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n'
    const key = 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n'
    for (const headers of [host, `${host}${upgrade}${key}`]) {
      const answer = await withTimeout(
        rawRequest(Number(port), `GET //[ HTTP/1.1\r\n${headers}\r\n`),
        5_000,
        'answer',
      )
      expect(answer).toMatch(/^HTTP\/1\.1 400 /)
    }
    expect(failures).toEqual([])
    expect((await (await LocalApiClient.forDataDir(node.status().dataDir)).status()).peerId).toBe(
      node.peerId,
    )
  })

  it('streams events to a browser-style client that sends the token as a subprotocol', async () => {
    const node = await startNode({ api: true })
    const other = await startNode()
    const { info } = await LocalApiClient.forDataDir(node.status().dataDir)
    const socket = new WebSocket(`${info.url.replace('http', 'ws')}/v1/events`, [
      EVENTS_SUBPROTOCOL,
      `${TOKEN_SUBPROTOCOL_PREFIX}${info.token}`,
    ])
    await withTimeout(
      new Promise((resolve) => socket.once('open', resolve)),
      5_000,
      'event stream open',
    )
    cleanups.push(async () => socket.close())
    const connected = new Promise<NodeEventMessage>((resolve) =>
      socket.on('message', (data) => {
        const event = JSON.parse(String(data)) as NodeEventMessage
        if (event.type === 'peer:connected') resolve(event)
      }),
    )
    await node.host.dial(other.host.getMultiaddrs()[0])
    const event = await withTimeout(connected, 10_000, 'peer:connected event')
    expect(event.data).toEqual({ peerId: other.peerId })
  })
})

/** Sends `request` as it is and resolves with what the server answers before it closes. */
function rawRequest(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = ''
    const socket = connect(port, '127.0.0.1', () => socket.write(request))
    socket.on('data', (chunk) => {
      answer += chunk.toString()
      if (answer.includes('\r\n\r\n')) socket.destroy()
    })
    socket.on('close', () => resolve(answer))
    socket.on('error', reject)
  })
}
