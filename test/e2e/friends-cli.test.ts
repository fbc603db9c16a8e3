/**
 * Friends with the built `tokenim` CLI, everything as processes: one relay, two nodes.
 * Bob registers a name, alice asks him by that name with a note, bob lists the request and
 * accepts it, and both `friends list --json` show the other, online.
 */
import type { ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LocalApiClient } from '../../client/api-client.ts'
import type {
  AddFriendResponse,
  FriendListResponse,
  FriendRequestsResponse,
  NodeEventMessage,
  NodeEventType,
  NodeStatus,
} from '../../protocol/local-api.ts'
import { runCli, spawnCli } from '../helpers/cli.ts'
import { startRelayProcess } from '../helpers/relay-process.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { withTimeout } from '../helpers/wait.ts'

const PASSWORD = { TOKENIM_PASSWORD: 'correct horse battery staple 42' }

let dir: Awaited<ReturnType<typeof makeTempDir>>
const children: ChildProcess[] = []

beforeAll(async () => {
  dir = await makeTempDir('tokenim-friends-e2e-')
})

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL')
  await dir?.remove()
})

async function cli(args: string[], env: Record<string, string> = {}) {
  const result = await runCli(args, env)
  expect(result.code, `tokenim ${args.join(' ')}: ${result.stderr}`).toBe(0)
  return result.stdout
}

async function startRelay(): Promise<string> {
  const relay = await startRelayProcess(dir.path)
  children.push(relay.child)
  return relay.address
}

interface CliNode {
  dataDir: string
  peerId: string
  api: LocalApiClient
  /** Resolves on the first event of `type` passing `filter` from now on. */
  next<T extends NodeEventType>(
    type: T,
    filter: (data: NodeEventMessage<T>['data']) => boolean,
  ): Promise<NodeEventMessage<T>['data']>
}

async function startNode(name: string, relay: string): Promise<CliNode> {
  const dataDir = join(dir.path, name)
  const { peerId } = JSON.parse(await cli(['init', '--json', '--data-dir', dataDir], PASSWORD))
  const node = await spawnCli(
    [
      'start',
      '--data-dir',
      dataDir,
      '--listen',
      '/ip4/127.0.0.1/tcp/0',
      '--allow-private-addresses',
      '--relay',
      relay,
    ],
    'is running',
    PASSWORD,
  )
  children.push(node.child)
  const api = await LocalApiClient.forDataDir(dataDir)
  const events: NodeEventMessage[] = []
  const waiting = new Set<() => void>()
  await api.subscribe((event) => {
    events.push(event)
    for (const check of waiting) check()
  })
  const next: CliNode['next'] = (type, filter) => {
    const since = events.length
    let check = () => {}
    const found = new Promise<never>((resolve) => {
      check = () => {
        const event = events
          .slice(since)
          .find((candidate) => candidate.type === type && filter(candidate.data as never))
        if (event != null) resolve(event.data as never)
      }
      waiting.add(check)
    })
    return withTimeout(found, 30_000, `${name}: ${type}`).finally(() => waiting.delete(check))
  }
  const relayId = relay.split('/p2p/')[1]
  const connected = next('peer:connected', (data) => data.peerId === relayId)
  const status = await api.request<NodeStatus>('GET', '/v1/status')
  if (!status.relays.some((link) => link.connected)) await connected
  else connected.catch(() => undefined)
  return { dataDir, peerId, api, next }
}

describe('tokenim friends: add, requests, accept, list', () => {
  it('two nodes become friends through the CLI and see each other online', async () => {
    const relay = await startRelay()
    const [alice, bob] = await Promise.all([startNode('alice', relay), startNode('bob', relay)])
    await cli(['register', 'bob-e2e', '--data-dir', bob.dataDir])

    const requested = bob.next('friend:request', (data) => data.peerId === alice.peerId)
    const added = JSON.parse(
      await cli([
        'friends',
        'add',
        'bob-e2e',
        '--note',
        'hi bob, it is alice',
        '--json',
        '--data-dir',
        alice.dataDir,
      ]),
    ) as AddFriendResponse
    expect(added.status).toBe('requested')
    if (added.status !== 'requested') return
    expect(added.request).toMatchObject({ direction: 'out', peerId: bob.peerId })
    expect(added.request.name).toMatch(/^bob-e2e@/)

    await requested
    const requests = JSON.parse(
      await cli(['friends', 'requests', '--json', '--data-dir', bob.dataDir]),
    ) as FriendRequestsResponse
    expect(requests.incoming).toEqual([
      expect.objectContaining({ peerId: alice.peerId, note: 'hi bob, it is alice' }),
    ])
    expect(requests.outgoing).toEqual([])
    const human = await cli(['friends', 'requests', '--data-dir', bob.dataDir])
    expect(human).toContain('"hi bob, it is alice"')

    const aliceOnline = alice.next('presence:changed', (d) => d.peerId === bob.peerId && d.online)
    const bobOnline = bob.next('presence:changed', (d) => d.peerId === alice.peerId && d.online)
    const accepted = alice.next('friend:accepted', (data) => data.peerId === bob.peerId)
    expect(await cli(['friends', 'accept', alice.peerId, '--data-dir', bob.dataDir])).toContain(
      'is your friend now',
    )
    await accepted
    await Promise.all([aliceOnline, bobOnline])

    const aliceList = JSON.parse(
      await cli(['friends', 'list', '--json', '--data-dir', alice.dataDir]),
    ) as FriendListResponse
    expect(aliceList.friends).toEqual([
      expect.objectContaining({ peerId: bob.peerId, online: true }),
    ])
    expect(aliceList.friends[0].name).toMatch(/^bob-e2e@/)
    const bobList = JSON.parse(
      await cli(['friends', 'list', '--json', '--data-dir', bob.dataDir]),
    ) as FriendListResponse
    expect(bobList.friends).toEqual([
      expect.objectContaining({ peerId: alice.peerId, online: true }),
    ])
    expect(await cli(['friends', 'list', '--data-dir', alice.dataDir])).toMatch(
      /^\* bob-e2e@\S+ {2}online {2}(direct \(\/ip4\/|through relay 12D3)/m,
    )
    // The status shows each friend beside the relays, and --json keeps what it had.
    expect(await cli(['status', '--data-dir', alice.dataDir])).toMatch(
      /^friends\n {2}\* bob-e2e@\S+ {2}online {2}(direct \(\/ip4\/|through relay 12D3)/m,
    )
    const status = JSON.parse(await cli(['status', '--json', '--data-dir', alice.dataDir]))
    expect(status).toMatchObject({ peerId: alice.peerId, relays: [expect.anything()] })
    expect(status.friends).toEqual([
      expect.objectContaining({
        peerId: bob.peerId,
        reach: expect.objectContaining({ via: expect.stringMatching(/^(direct|relay)$/) }),
      }),
    ])

    const again = await runCli(['friends', 'add', 'bob-e2e', '--data-dir', alice.dataDir])
    expect(again.code).not.toBe(0)
    expect(again.stderr).toContain('AlreadyFriendsError')

    for (const node of [alice, bob]) await cli(['stop', '--data-dir', node.dataDir])
  }, 120_000)
})
