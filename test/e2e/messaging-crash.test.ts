/**
 * Nodes killed (SIGKILL) in the middle of a burst, every part a process on loopback: the
 * sender, with a batch of API requests in flight, or the recipient, while envelopes arrive.
 * Once the killed node runs again, every message the sender's API accepted is in the
 * recipient's history exactly once, in order, and the sender sees it delivered. (A message
 * whose request the kill cut may arrive too, but never twice.)
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
let relay: string
const children = new Set<ChildProcess>()

beforeAll(async () => {
  dir = await makeTempDir('tokenim-crash-e2e-')
  const started = await startRelayProcess(dir.path)
  children.add(started.child)
  relay = started.address
})

afterAll(async () => {
  for (const child of children) if (child.exitCode == null) child.kill('SIGKILL')
  await dir?.remove()
})

interface NodeDir {
  dataDir: string
  publicKey: string
}

interface RunningNode {
  child: ChildProcess
  api: LocalApiClient
}

async function initNode(name: string): Promise<NodeDir> {
  const dataDir = join(dir.path, name)
  const init = await runCli(['init', '--json', '--data-dir', dataDir], PASSWORD)
  expect(init.code, init.stderr).toBe(0)
  const id = await runCli(['id', '--json', '--data-dir', dataDir])
  return { dataDir, publicKey: (JSON.parse(id.stdout) as { publicKey: string }).publicKey }
}

async function startNode(node: NodeDir): Promise<RunningNode> {
  const args = ['start', '--data-dir', node.dataDir, '--listen', '/ip4/127.0.0.1/tcp/0']
  args.push('--allow-private-addresses', '--relay', relay)
  const { child } = await spawnCli(args, 'is running', PASSWORD)
  children.add(child)
  return { child, api: await LocalApiClient.forDataDir(node.dataDir) }
}

/**
 * Sends BURST texts through the API, CONCURRENT_REQUESTS at a time; halfway, `kill` runs
 * while a batch is in flight. Returns the texts the API accepted, by message id.
 */
async function sendBurst(
  sender: RunningNode,
  to: NodeDir,
  kill: () => void,
): Promise<Map<string, string>> {
  const accepted = new Map<string, string>()
  for (let next = 0; next < BURST; next += CONCURRENT_REQUESTS) {
    const batch = Array.from({ length: CONCURRENT_REQUESTS }, (_, i) => `m${next + i}`)
    const requests = batch.map((text) => sender.api.sendMessage(to.publicKey, text))
    if (next === BURST / 2) kill()
    const results = await Promise.allSettled(requests)
    results.forEach((result, i) => {
      if (result.status === 'fulfilled') accepted.set(result.value.id, batch[i])
    })
    if (results.some((result) => result.status === 'rejected')) break
  }
  return accepted
}

async function history(node: RunningNode, peer: NodeDir): Promise<MessageView[]> {
  const messages: MessageView[] = []
  let before: number | undefined
  do {
    const page = await node.api.history(peer.publicKey, { limit: 500, before })
    messages.unshift(...page.messages)
    before = page.nextBefore ?? undefined
  } while (before != null)
  return messages
}

/** Resolves once the sender has seen every one of `ids` delivered (events, then history). */
async function allDelivered(sender: RunningNode, to: NodeDir, ids: string[]): Promise<void> {
  const delivered = new Set<string>()
  const deliveries = new ChangeSignal()
  await sender.api.subscribe((event: NodeEventMessage) => {
    const change = event.data as MessageStateChange
    if (event.type === 'message:state' && change.state === 'delivered') {
      delivered.add(change.id)
      deliveries.notify()
    }
  })
  for (const message of await history(sender, to)) {
    if (message.state === 'delivered' || message.state === 'read') delivered.add(message.id)
  }
  await deliveries.until(
    () => ids.every((id) => delivered.has(id)),
    `every accepted message delivered`,
    60_000,
  )
}

/** The recipient shows each accepted text once, with seqs 1, 2, 3, ... in order. */
async function expectExactlyOnceInOrder(
  recipient: RunningNode,
  from: NodeDir,
  accepted: Map<string, string>,
): Promise<void> {
  const received = (await history(recipient, from)).filter((m) => m.direction === 'in')
  expect(received.map((message) => message.seq)).toEqual(received.map((_, i) => i + 1))
  expect(new Set(received.map((message) => message.id)).size).toBe(received.length)
  const texts = new Set(received.map((message) => message.text))
  expect([...accepted.values()].filter((text) => !texts.has(text))).toEqual([])
}

interface Pair {
  senderDir: NodeDir
  recipientDir: NodeDir
  sender: RunningNode
  recipient: RunningNode
}

/**
 * Two nodes whose session is up (a first message went through), so that a burst is killed
 * while it is being delivered, not while a session is being set up.
 */
async function pairWithSession(senderName: string, recipientName: string): Promise<Pair> {
  const senderDir = await initNode(senderName)
  const recipientDir = await initNode(recipientName)
  const recipient = await startNode(recipientDir)
  const sender = await startNode(senderDir)
  const hello = await sender.api.sendMessage(recipientDir.publicKey, 'hello')
  await allDelivered(sender, recipientDir, [hello.id])
  return { senderDir, recipientDir, sender, recipient }
}

describe('nodes killed mid-burst', () => {
  it('the sender, with requests in flight: all it accepted arrives once, in order', async () => {
    const pair = await pairWithSession('alice', 'bob')
    const { senderDir, recipientDir, recipient } = pair
    const kill = () => pair.sender.child.kill('SIGKILL')
    const accepted = await sendBurst(pair.sender, recipientDir, kill)
    expect(accepted.size).toBe(BURST / 2)

    const sender = await startNode(senderDir)
    await allDelivered(sender, recipientDir, [...accepted.keys()])
    await expectExactlyOnceInOrder(recipient, senderDir, accepted)
  }, 120_000)

  it('the recipient, while envelopes arrive: all arrives once, in order', async () => {
    const pair = await pairWithSession('carol', 'dave')
    const { senderDir, recipientDir, sender } = pair
    const kill = () => pair.recipient.child.kill('SIGKILL')
    const accepted = await sendBurst(sender, recipientDir, kill)
    expect(accepted.size).toBe(BURST)

    const recipient = await startNode(recipientDir)
    await allDelivered(sender, recipientDir, [...accepted.keys()])
    await expectExactlyOnceInOrder(recipient, senderDir, accepted)
  }, 120_000)
})
