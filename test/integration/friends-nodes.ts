/**
 * Full TokenimNodes behind a loopback relay for the friends and presence tests: each in its
 * own folder (kept across restarts), with every node event recorded from before start, so a
 * test can wait for an event that may already have happened.
 */

import { afterAll, beforeAll } from 'vitest'
import { LocalApiClient } from '../../client/api-client.ts'
import {
  generateIdentity,
  type Identity,
  TokenimNode,
  type TokenimNodeInit,
} from '../../node/index.ts'
import {
  DIRECTORY_API_PATHS,
  FRIENDS_API_PATHS,
  type NodeEventMap,
  type NodeEventMessage,
  type NodeEventType,
} from '../../protocol/local-api.ts'
import type { RelayNode } from '../../relay/index.ts'
import {
  createNetwork,
  type Network,
  relayAddress,
  waitForRelay,
} from '../helpers/relay-network.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'

export interface FriendNode {
  node: TokenimNode
  identity: Identity
  dataDir: string
  peerId: string
  publicKey: string
  /** Every event since this node object started, oldest first. */
  events: Array<NodeEventMessage>
  /** The local API, as the CLI and web client reach it. */
  api: LocalApiClient
  /**
   * Resolves with the first event of `type` passing `filter`, recorded already or to come;
   * with `since`, only events at or after that time (ms since epoch).
   */
  event<T extends NodeEventType>(
    type: T,
    filter?: (data: NodeEventMap[T]) => boolean,
    options?: { timeoutMs?: number; since?: number },
  ): Promise<NodeEventMessage<T>>
  /** Stops with a goodbye to friends; the folder stays. */
  stop(): Promise<void>
  /**
   * Dies without a word: the libp2p host stops (every connection closes) before anything
   * else can say goodbye, as when the process is killed. Then the rest is cleaned up.
   */
  kill(): Promise<void>
  /** The same identity and folder, started again. */
  restart(): Promise<FriendNode>
}

export interface FriendNodeOptions {
  identity?: Identity
  dir?: { path: string; remove(): Promise<void> }
  /** @default ['/ip4/127.0.0.1/tcp/0']; `[]`: reachable only through the relay's circuit. */
  listen?: string[]
  /** A connection gater (to keep two nodes on the relay's circuit for a while). */
  hostOptions?: TokenimNodeInit['hostOptions']
  /** Device linking: its timeout and clock. */
  linking?: TokenimNodeInit['linking']
  /** History transfers: the holder's pace. */
  history?: TokenimNodeInit['history']
  /** The device list: how long a friend's list looked up counts as fresh. */
  devices?: TokenimNodeInit['devices']
}

const folders: Array<{ remove(): Promise<void> }> = []
const running = new Set<FriendNode>()

export async function startFriendNode(
  relay: RelayNode,
  options: FriendNodeOptions = {},
): Promise<FriendNode> {
  const identity = options.identity ?? generateIdentity()
  const dir = options.dir ?? (await makeTempDir('tokenim-friends-node-'))
  if (options.dir == null) folders.push(dir)
  const node = new TokenimNode({
    dataDir: dir.path,
    identity,
    listen: options.listen ?? ['/ip4/127.0.0.1/tcp/0'],
    apiPort: 0,
    allowPrivateAddresses: true,
    relays: [relayAddress(relay)],
    relayRedial: { initialDelayMs: 100, maxDelayMs: 1_000 },
    messaging: { collectIntervalMs: 500, retryIntervalMs: 500, ackTimeoutMs: 2_000 },
    mailbox: { replicas: 1 },
    hostOptions: options.hostOptions,
    linking: options.linking,
    history: options.history,
    devices: options.devices,
  })
  const events: NodeEventMessage[] = []
  const listeners = new Set<() => void>()
  const record = (event: Event) => {
    events.push((event as CustomEvent<NodeEventMessage>).detail)
    for (const listener of listeners) listener()
  }
  for (const type of RECORDED) node.addEventListener(type, record)
  await node.start()
  await waitForRelay(node, relay)
  // The first publication may have run before the relay was connected.
  await node.prekeyService.publish()

  let stopped: Promise<void> | undefined
  const friendNode: FriendNode = {
    node,
    identity,
    dataDir: dir.path,
    peerId: node.peerId,
    publicKey: Buffer.from(identity.publicKey).toString('hex'),
    events,
    api: await LocalApiClient.forDataDir(dir.path),
    event(type, filter = () => true, { timeoutMs = 20_000, since = 0 } = {}) {
      const find = () =>
        events.find(
          (event): event is NodeEventMessage<typeof type> =>
            event.type === type &&
            event.at >= since &&
            filter(event.data as NodeEventMap[typeof type]),
        )
      return new Promise((resolve, reject) => {
        const found = find()
        if (found != null) {
          resolve(found)
          return
        }
        const timer = setTimeout(() => {
          listeners.delete(check)
          reject(new Error(`no matching "${type}" event on ${node.peerId} within ${timeoutMs} ms`))
        }, timeoutMs)
        const check = () => {
          const event = find()
          if (event == null) return
          clearTimeout(timer)
          listeners.delete(check)
          resolve(event)
        }
        listeners.add(check)
      })
    },
    stop() {
      stopped ??= node.stop().then(() => {
        running.delete(friendNode)
      })
      return stopped
    },
    async kill() {
      await node.host.stop()
      await friendNode.stop()
    },
    async restart() {
      await friendNode.stop()
      return startFriendNode(relay, {
        identity,
        dir,
        listen: options.listen,
        history: options.history,
      })
    },
  }
  running.add(friendNode)
  return friendNode
}

/**
 * A loopback relay for the friend nodes of a test file: started before its tests; after
 * them every node stops and the relay with them. Returns the relay's getter.
 */
export function relayForFriendNodes(): () => RelayNode {
  let network: Network | undefined
  let relay: RelayNode | undefined
  beforeAll(async () => {
    network = createNetwork()
    relay = await network.relay()
  }, 30_000)
  afterAll(async () => {
    await cleanUpFriendNodes()
    await network?.close()
  }, 30_000)
  return () => relay!
}

/** A folder for a node the test starts itself, removed with the others after the tests. */
export async function friendNodeFolder(
  prefix: string,
): Promise<{ path: string; remove(): Promise<void> }> {
  const dir = await makeTempDir(prefix)
  folders.push(dir)
  return dir
}

/** `from` sends `text` to `to`, and `to` has received it. */
export async function converse(from: FriendNode, to: FriendNode, text: string): Promise<void> {
  const since = Date.now()
  await from.node.messages.send(to.peerId, text)
  await to.event(
    'message:received',
    (message) => message.text === text && message.peerId === from.peerId,
    { since },
  )
}

/** The peer ids of `node`'s friends. */
export function friendIds(node: FriendNode): string[] {
  return node.node.friends.list().map((friend) => friend.peerId)
}

/** Resolves once `node` shows message `id` of `peer`'s conversation as `check` wants it. */
export function messageUpdated(
  node: FriendNode,
  peer: string,
  id: string,
  check: (message: NodeEventMap['message:updated']) => boolean,
) {
  return node.event(
    'message:updated',
    (message) => message.peerId === peer && message.id === id && check(message),
    { timeoutMs: 30_000 },
  )
}

/** `a` asks `b`, `b` accepts, and `a` has heard so. */
export async function befriend(a: FriendNode, b: FriendNode): Promise<void> {
  await a.api.request('POST', FRIENDS_API_PATHS.add, { to: b.peerId })
  await b.event('friend:request', (request) => request.peerId === a.peerId)
  await b.api.request('POST', FRIENDS_API_PATHS.accept, { peer: a.peerId })
  await a.event('friend:accepted', (friend) => friend.peerId === b.peerId)
}

/** A friend node that registered `name` at the relay. */
export async function startNamedNode(relay: RelayNode, name: string): Promise<FriendNode> {
  const node = await startFriendNode(relay)
  await node.api.request('POST', DIRECTORY_API_PATHS.register, { name })
  return node
}

/** Stops every node still running and removes every folder. */
export async function cleanUpFriendNodes(): Promise<void> {
  await Promise.all([...running].map((node) => node.stop()))
  for (const folder of folders.splice(0)) await folder.remove()
}

const RECORDED: NodeEventType[] = [
  'friend:request',
  'friend:accepted',
  'friend:rejected',
  'friend:removed',
  'friend:key-changed',
  'presence:changed',
  'typing:changed',
  'friend:reach',
  'friend:devices',
  'device:link',
  'session:signed-in-elsewhere',
  'message:received',
  'message:updated',
  'message:state',
  'conversation:read',
  'room:read',
  'conversation:cleared',
  'device:revoked',
  'device:history',
  'profile:changed',
  'call:incoming',
  'call:answered',
  'call:ended',
  'transfer:complete',
]
