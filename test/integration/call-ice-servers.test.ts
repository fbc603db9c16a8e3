/**
 * The STUN and TURN servers a relay's operator sets in relay.yaml (`turn:`) reach a node's
 * browser through GET /v1/calls/ice-servers, with TURN credentials made for that node in the
 * form coturn's use-auth-secret checks (doc/calls.md, "NAT"); a relay with none gives none.
 */
import { createHmac } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { createNetwork, relayAddress, waitForRelay } from '../helpers/relay-network.ts'

const SECRET = '0123456789abcdef0123456789abcdef'
const URLS = ['turn:127.0.0.1:3478?transport=udp', 'stun:127.0.0.1:3478']
const network = createNetwork()
afterEach(() => network.close())

describe('ICE servers for calls', () => {
  it("a node's browser gets its relay's TURN URLs with credentials of its own", async () => {
    const relay = await network.relay({ turn: { urls: URLS, secret: SECRET, credentialTtl: '2h' } })
    const node = await network.node([relayAddress(relay)])
    await waitForRelay(node, relay)
    const before = Date.now()
    const { iceServers } = await node.calls.iceServers()
    expect(iceServers).toHaveLength(1)
    const [server] = iceServers
    expect(server.urls).toEqual(URLS)
    const [expiry, peer] = server.username!.split(':')
    expect(peer).toBe(node.peerId)
    const expiresMs = Number(expiry) * 1000
    expect(expiresMs).toBeGreaterThanOrEqual(before + 2 * 3_600_000 - 1_000)
    expect(expiresMs).toBeLessThanOrEqual(Date.now() + 2 * 3_600_000)
    // What coturn computes from its static-auth-secret for this username.
    expect(server.credential).toBe(
      createHmac('sha1', SECRET).update(server.username!).digest('base64'),
    )
  })

  it('a relay without a turn section offers nothing', async () => {
    const relay = await network.relay()
    const node = await network.node([relayAddress(relay)])
    await waitForRelay(node, relay)
    expect(await node.calls.iceServers()).toEqual({ iceServers: [] })
  })
})
