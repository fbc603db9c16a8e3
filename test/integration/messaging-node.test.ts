/**
 * Messaging in full TokenimNodes behind a relay: prekeys published in the relay's DHT,
 * usernames from its directory, the local API and its events, and the built `tokenim` CLI
 * (`npm run build` first; `npm test` does).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LocalApiClient } from '../../client/api-client.ts'
import { generateIdentity, peerIdOf, type TokenimNode } from '../../node/index.ts'
import {
  API_PATHS,
  DIRECTORY_API_PATHS,
  type HistoryResponse,
  type InboxResponse,
  type MessageStateChange,
  type NodeEventMessage,
} from '../../protocol/local-api.ts'
import type { RelayNode } from '../../relay/index.ts'
import { runCli } from '../helpers/cli.ts'
import { type LocalNode, startLocalNode } from '../helpers/local-node.ts'
import {
  createNetwork,
  type Network,
  relayAddress,
  waitForRelay,
} from '../helpers/relay-network.ts'
import { waitForEvent, withTimeout } from '../helpers/wait.ts'

let network: Network
let relay: RelayNode
const cleanups: Array<() => Promise<void>> = []

async function startNode(): Promise<LocalNode> {
  const started = await startLocalNode(cleanups, {
    relays: [relayAddress(relay)],
    messaging: { collectIntervalMs: 500, retryIntervalMs: 500, ackTimeoutMs: 2_000 },
  })
  await waitForRelay(started.node, relay)
  // The node publishes its prekey bundle again once it reaches the relay's DHT.
  const prekeys = started.node.prekeyService
  if (!prekeys.bundleConfirmed) {
    await waitForEvent(prekeys, 'prekeys:published', {
      timeoutMs: 30_000,
      filter: () => prekeys.bundleConfirmed,
    })
  }
  return started
}

function stateEvent(node: TokenimNode, id: string, state: string): Promise<unknown> {
  return waitForEvent<NodeEventMessage<'message:state'>>(node, 'message:state', {
    timeoutMs: 30_000,
    filter: (event) => event.data.id === id && event.data.state === state,
  })
}

beforeAll(async () => {
  network = createNetwork()
  relay = await network.relay()
}, 30_000)

afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  await network?.close()
})

describe('messaging through the node, its API and the CLI', () => {
  it('sends to a username, lists the inbox and history, marks read, with states', async () => {
    const alice = await startNode()
    const bob = await startNode()
    const bobApi = await LocalApiClient.forDataDir(bob.dataDir)
    await bobApi.request('POST', DIRECTORY_API_PATHS.register, { name: 'bobbie' })

    const events: MessageStateChange[] = []
    // The read tick as an API client sees it: after the node's own event, over the socket.
    const readOverApi = Promise.withResolvers<void>()
    const aliceApi = await LocalApiClient.forDataDir(alice.dataDir)
    const subscription = await aliceApi.subscribe((event) => {
      if (event.type !== 'message:state') return
      events.push(event.data as MessageStateChange)
      if ((event.data as MessageStateChange).state === 'read') readOverApi.resolve()
    })
    try {
      const sent = await runCli([
        'send',
        'bobbie',
        'hello',
        'bob',
        '--wait',
        'delivered',
        '--json',
        '--data-dir',
        alice.dataDir,
      ])
      expect(sent.stderr).toBe('')
      const result = JSON.parse(sent.stdout) as { id: string; state: string; peerId: string }
      expect(result).toMatchObject({ state: 'delivered', peerId: bob.node.peerId })

      const inbox = JSON.parse(
        (await runCli(['inbox', '--json', '--data-dir', bob.dataDir])).stdout,
      ) as InboxResponse
      expect(inbox.conversations).toHaveLength(1)
      expect(inbox.conversations[0]).toMatchObject({
        peerId: alice.node.peerId,
        unread: 1,
        held: 0,
        latest: { text: 'hello bob', direction: 'in', seq: 1 },
      })

      const marked = await runCli(['read', alice.node.peerId, '--data-dir', bob.dataDir])
      expect(marked.stdout).toContain('read up to #1')
      await withTimeout(readOverApi.promise, 30_000, 'the read tick over the API')
      expect(events.filter((e) => e.id === result.id).map((e) => e.state)).toContain('read')

      const reply = await bobApi.request<{ id: string }>('POST', API_PATHS.messages, {
        to: alice.node.peerId,
        text: 'hi alice',
      })
      await stateEvent(bob.node, reply.id, 'delivered')
      const history = await runCli(['history', 'bobbie', '--data-dir', alice.dataDir])
      expect(history.stdout).toMatch(/> hello bob \[read\]/)
      expect(history.stdout).toMatch(/< hi alice/)
      const page = JSON.parse(
        (
          await runCli([
            'history',
            bob.node.peerId,
            '--json',
            '--limit',
            '1',
            '--data-dir',
            alice.dataDir,
          ])
        ).stdout,
      ) as HistoryResponse
      expect(page.messages.map((m) => m.text)).toEqual(['hi alice'])
      expect(page.nextBefore).not.toBeNull()
    } finally {
      subscription.close()
    }
  })

  it('history says why a text to someone never online waits', async () => {
    const alice = await startNode()
    const stranger = peerIdOf(generateIdentity()).toString()
    const api = await LocalApiClient.forDataDir(alice.dataDir)
    await api.request('POST', API_PATHS.messages, { to: stranger, text: 'are you there?' })
    const history = await runCli(['history', stranger, '--data-dir', alice.dataDir])
    expect(history.stdout).toMatch(
      /> are you there\? \[queued: waiting for the recipient's prekeys to start an encrypted session/,
    )
    const page = JSON.parse(
      (await runCli(['history', stranger, '--json', '--data-dir', alice.dataDir])).stdout,
    ) as HistoryResponse
    expect(page.messages[0]?.queuedReason?.code).toBe('prekeys')
  })

  it('answers bad requests with a clear error', async () => {
    const alice = await startNode()
    const unknown = await runCli(['send', 'nobody-here', 'hi', '--data-dir', alice.dataDir])
    expect(unknown.code).not.toBe(0)
    expect(unknown.stderr).toMatch(/NotFound/)
    const api = await LocalApiClient.forDataDir(alice.dataDir)
    await expect(
      api.request('POST', API_PATHS.messages, { to: alice.node.peerId, text: 'me' }),
    ).rejects.toMatchObject({ name: 'InvalidRecipientError', status: 400 })
    await expect(
      api.request('POST', API_PATHS.messages, { to: '', text: 'x' }),
    ).rejects.toMatchObject({ name: 'InvalidRequest', status: 400 })
  })
})
