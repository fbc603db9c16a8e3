/**
 * A sender killed (SIGKILL) in the middle of a burst, every part a process on loopback: once
 * it starts again, every message its API accepted reaches the recipient exactly once, in
 * order, and shows delivered. Messages whose request was cut by the kill may arrive too, but
 * never twice and never out of order.
 */
import type { ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LocalApiClient } from '../../client/api-client.ts'
import type { MessageStateChange, MessageView, NodeEventMessage } from '../../protocol/local-api.ts'
import { runCli, spawnCli } from '../helpers/cli.ts'
import { startRelayProcess } from '../helpers/relay-process.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { ChangeSignal } from '../helpers/wait.ts'

const PASSWORD = { TOKENIM_PASSWORD: 'correct horse battery staple 42' }
const BURST = 1_000
/** Requests in flight at once, as a busy client would have. */
const CONCURRENT_REQUESTS = 50

let dir: Awaited<ReturnType<typeof makeTempDir>>
const children = new Set<ChildProcess>()

beforeAll(async () => {
  dir = await makeTempDir('tokenim-crash-e2e-')
})

afterAll(async () => {
  for (const child of children) if (child.exitCode == null) child.kill('SIGKILL')
  await dir?.remove()
})

interface RunningNode {
  dataDir: string
  child: ChildProcess
  api: LocalApiClient
}

async function initNode(name: string): Promise<{ dataDir: string; publicKey: string }> {
  const dataDir = join(dir.path, name)
  const init = await runCli(['init', '--json', '--data-dir', dataDir], PASSWORD)
  expect(init.code, init.stderr).toBe(0)
  const id = await runCli(['id', '--json', '--data-dir', dataDir])
  return { dataDir, publicKey: (JSON.parse(id.stdout) as { publicKey: string }).publicKey }
}

async function startNode(dataDir: string, relay: string): Promise<RunningNode> {
  const args = ['start', '--data-dir', dataDir, '--listen', '/ip4/127.0.0.1/tcp/0']
  args.push('--allow-private-addresses', '--relay', relay)
  const { child } = await spawnCli(args, 'is running', PASSWORD)
  children.add(child)
  return { dataDir, child, api: await LocalApiClient.forDataDir(dataDir) }
}

describe('a sender killed mid-burst', () => {
  it('delivers every accepted message exactly once and in order after its restart', async () => {
    const relay = (await startRelayProcess(dir.path)).address
    const aliceId = await initNode('alice')
    const bobId = await initNode('bob')
    const bob = await startNode(bobId.dataDir, relay)
    let alice = await startNode(aliceId.dataDir, relay)

    const received: MessageView[] = []
    const arrivals = new ChangeSignal()
    await bob.api.subscribe((event: NodeEventMessage) => {
      if (event.type !== 'message:received') return
      received.push(event.data as MessageView)
      arrivals.notify()
    })

    // A first message sets the session up, so the burst is killed while it is being delivered.
    await alice.api.sendMessage(bobId.publicKey, 'hello')
    await arrivals.until(() => received.length === 1, 'the first message at bob', 30_000)

    // Alice's client sends as fast as it can; halfway, the node is killed while a batch of
    // requests is in flight.
    const accepted = new Map<string, string>()
    for (let next = 0; next < BURST; next += CONCURRENT_REQUESTS) {
      const batch = Array.from({ length: CONCURRENT_REQUESTS }, (_, i) => `m${next + i}`)
      const requests = batch.map((text) => alice.api.sendMessage(bobId.publicKey, text))
      const killNow = next >= BURST / 2
      if (killNow) alice.child.kill('SIGKILL')
      const results = await Promise.allSettled(requests)
      results.forEach((result, i) => {
        if (result.status === 'fulfilled') accepted.set(result.value.id, batch[i])
      })
      if (killNow) break
    }
    expect(accepted.size).toBeGreaterThanOrEqual(BURST / 2)

    alice = await startNode(aliceId.dataDir, relay)
    const acceptedTexts = new Set(accepted.values())
    const allArrived = () => {
      const texts = new Set(received.map((message) => message.text))
      return [...acceptedTexts].every((text) => texts.has(text))
    }
    await arrivals.until(allArrived, 'every accepted message at bob', 60_000)

    // Exactly once, in order: the seqs bob was shown run 1, 2, 3, ... with no repeat.
    expect(received.map((message) => message.seq)).toEqual(received.map((_, index) => index + 1))
    expect(new Set(received.map((message) => message.id)).size).toBe(received.length)

    // Alice sees each accepted message delivered (the last acks may still be on their way).
    const delivered = new Set<string>()
    const deliveries = new ChangeSignal()
    await alice.api.subscribe((event: NodeEventMessage) => {
      const change = event.data as MessageStateChange
      if (event.type === 'message:state' && change.state === 'delivered') {
        delivered.add(change.id)
        deliveries.notify()
      }
    })
    let before: number | undefined
    do {
      const page = await alice.api.history(bobId.publicKey, { limit: 500, before })
      for (const message of page.messages) {
        if (message.state === 'delivered') delivered.add(message.id)
      }
      before = page.nextBefore ?? undefined
    } while (before != null)
    const allDelivered = () => [...accepted.keys()].every((id) => delivered.has(id))
    await deliveries.until(allDelivered, 'alice sees every accepted message delivered', 60_000)
  }, 180_000)
})
