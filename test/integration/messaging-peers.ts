/**
 * Messaging peers for the integration tests and the benchmark: a real libp2p host on loopback
 * TCP, LevelDB in a folder that survives restarts, the real offline mailbox and
 * DirectMessages. Prekey bundles come from an in-memory directory shared by the peers of one
 * test, standing in for their publication in the DHT.
 */
import { join } from 'node:path'
import { createHost, type Host } from '../../network/host.ts'
import { generateIdentity, type Identity, toLibp2pPrivateKey } from '../../node/identity/index.ts'
import { OfflineMailbox, type OfflineMailboxInit } from '../../node/mailbox/index.ts'
import {
  DirectMessages,
  type DirectMessagesInit,
  type PrekeyPort,
} from '../../node/messaging/index.ts'
import { openStorage, type Storage } from '../../node/storage.ts'
import { toHex } from '../../protocol/bytes.ts'
import type { MessageStateChange, MessageView } from '../../protocol/local-api.ts'
import {
  createPrekeyBundle,
  generateOneTimePrekeys,
  generateSignedPrekey,
  type OneTimePrekey,
  type PrekeyBundle,
  type SignedPrekey,
} from '../../protocol/session/index.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { waitForEvent } from '../helpers/wait.ts'

/** Bundles as the DHT would serve them, for the peers of one test. */
export class BundleDirectory {
  readonly #owners = new Map<string, TestPrekeys>()
  /**
   * Serve each bundle as first published, one-time prekey included after it is used: a DHT
   * holder keeps handing out a bundle until the owner's republication reaches it, and this is
   * the case where it never does.
   */
  readonly frozen: boolean

  constructor(options: { frozen?: boolean } = {}) {
    this.frozen = options.frozen ?? false
  }

  prekeysFor(identity: Identity): TestPrekeys {
    const key = toHex(identity.publicKey)
    let prekeys = this.#owners.get(key)
    if (prekeys == null) {
      prekeys = new TestPrekeys(identity, this)
      this.#owners.set(key, prekeys)
    }
    return prekeys
  }

  /** `lookup` events, detail `{ peer, found }`: every bundle fetch, as the DHT would see it. */
  readonly lookups = new EventTarget()

  bundleOf(peer: Uint8Array): PrekeyBundle | undefined {
    const bundle = this.#owners.get(toHex(peer))?.bundle()
    this.lookups.dispatchEvent(
      new CustomEvent('lookup', { detail: { peer: toHex(peer), found: bundle != null } }),
    )
    return bundle
  }
}

class TestPrekeys implements PrekeyPort {
  readonly #identity: Identity
  readonly #directory: BundleDirectory
  readonly #signed: SignedPrekey
  readonly #oneTime = new Map<number, OneTimePrekey>()
  readonly #firstPublished: PrekeyBundle

  constructor(identity: Identity, directory: BundleDirectory) {
    this.#identity = identity
    this.#directory = directory
    this.#signed = generateSignedPrekey(identity, 1)
    for (const key of generateOneTimePrekeys(50, 1)) this.#oneTime.set(key.id, key)
    this.#firstPublished = this.#current()
  }

  bundle(): PrekeyBundle {
    return this.#directory.frozen ? this.#firstPublished : this.#current()
  }

  #current(): PrekeyBundle {
    const [oneTime] = this.#oneTime.values()
    return createPrekeyBundle(this.#identity.publicKey, this.#signed, oneTime)
  }

  async fetchBundle(peer: Uint8Array): Promise<PrekeyBundle> {
    const bundle = this.#directory.bundleOf(peer)
    if (bundle == null) throw new Error('no prekey bundle published for this peer')
    return bundle
  }

  async signedPrekey(id: number) {
    return id === this.#signed.id ? this.#signed : undefined
  }

  async peekOneTimePrekey(id: number) {
    return this.#oneTime.get(id)
  }

  /** Kept in memory: the op only marks the batch; the key goes once it is committed. */
  deleteOneTimePrekeyOp(id: number) {
    return { type: 'del' as const, key: `test-prekeys/${id}` }
  }

  oneTimePrekeyDeleted(id: number) {
    this.#oneTime.delete(id)
  }
}

export interface MessagingPeer {
  identity: Identity
  host: Host
  storage: Storage
  mailbox: OfflineMailbox
  messages: DirectMessages
  /** Events of `messages`, as the node would broadcast them. */
  events: EventTarget
  received: MessageView[]
  states: MessageStateChange[]
  /** Every mailbox deposit this peer made, in order (`mailbox:deposit` events on `events`). */
  deposits: MailboxDepositMade[]
  /** Stops everything; the folder stays for a restart. */
  stop(): Promise<void>
  /** A new peer on the same identity and folder. */
  restart(): Promise<MessagingPeer>
  remove(): Promise<void>
}

export interface MessagingPeerOptions {
  directory: BundleDirectory
  identity?: Identity
  dir?: { path: string; remove(): Promise<void> }
  dhtServer?: boolean
  messaging?: DirectMessagesInit
  mailbox?: OfflineMailboxInit
}

/** Loopback simulations trip the per-host inbound limits meant for the internet. */
const SIMULATION_LIMITS = {
  maxConnections: 1000,
  inboundConnectionThreshold: 100_000,
  maxIncomingPendingConnections: 1000,
}

export async function startMessagingPeer(options: MessagingPeerOptions): Promise<MessagingPeer> {
  const identity = options.identity ?? generateIdentity()
  const dir = options.dir ?? (await makeTempDir('tokenim-dm-'))
  // Sealed as on a node, so that every test over these peers runs over sealed records.
  const storage = await openStorage(join(dir.path, 'db'), { identity })
  const host = await createHost({
    privateKey: toLibp2pPrivateKey(identity),
    datastore: storage.datastore,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    dhtServer: options.dhtServer ?? false,
    allowPrivateAddresses: true,
    connectionLimits: SIMULATION_LIMITS,
  })
  await host.start()
  const mailbox = new OfflineMailbox(
    { host, identity, store: storage.sublevel('mailbox') },
    { republishIntervalMs: 0, queryTimeoutMs: 10_000, ...options.mailbox },
  )
  await mailbox.start()
  const events = new EventTarget()
  const received: MessageView[] = []
  const states: MessageStateChange[] = []
  const deposits: MailboxDepositMade[] = []
  // Seen from outside, a deposit has no event of its own: record each one as it completes.
  for (const slot of ['pairwise', 'inbox'] as const) {
    const method = slot === 'pairwise' ? 'deposit' : 'depositToInbox'
    const deposit = mailbox[method].bind(mailbox)
    mailbox[method] = async (recipient, envelope, options) => {
      const result = await deposit(recipient, envelope, options)
      const made = { slot, recipient: toHex(recipient), envelope }
      deposits.push(made)
      events.dispatchEvent(new CustomEvent('mailbox:deposit', { detail: made }))
      return result
    }
  }
  const messages = new DirectMessages(
    {
      host,
      db: storage.sublevel('messaging'),
      identity,
      prekeys: options.directory.prekeysFor(identity),
      mailbox,
      emit: (
        type: 'message:received' | 'message:updated' | 'message:state',
        data: MessageView | MessageStateChange,
      ) => {
        if (type === 'message:received') received.push(data as MessageView)
        else if (type === 'message:state') states.push(data as MessageStateChange)
        events.dispatchEvent(new CustomEvent(type, { detail: data }))
      },
    },
    { collectIntervalMs: 3_600_000, retryIntervalMs: 3_600_000, ...options.messaging },
  )
  await messages.start()
  let stopping: Promise<void> | undefined
  const stop = () => {
    stopping ??= (async () => {
      await messages.stop()
      await mailbox.stop()
      await host.stop()
      await storage.close()
    })()
    return stopping
  }
  return {
    identity,
    host,
    storage,
    mailbox,
    messages,
    events,
    received,
    states,
    deposits,
    stop,
    restart: async () => {
      await stop()
      return startMessagingPeer({ ...options, identity, dir })
    },
    remove: async () => {
      await stop()
      await dir.remove()
    },
  }
}

export interface MailboxDepositMade {
  slot: 'pairwise' | 'inbox'
  /** Hex key of the recipient. */
  recipient: string
  envelope: Uint8Array
}

/** Resolves once `peer` has made `count` mailbox deposits that `filter` accepts. */
export function depositsMade(
  peer: MessagingPeer,
  count: number,
  filter: (deposit: MailboxDepositMade) => boolean,
  timeoutMs = 15_000,
): Promise<unknown> {
  const enough = () => peer.deposits.filter(filter).length >= count
  if (enough()) return Promise.resolve()
  return waitForEvent(peer.events, 'mailbox:deposit', { timeoutMs, filter: enough })
}

/** Resolves once the message reached `state` (at once if it already did). */
export function stateReached(
  peer: MessagingPeer,
  id: string,
  state: MessageStateChange['state'],
  timeoutMs = 15_000,
): Promise<unknown> {
  if (peer.states.some((change) => change.id === id && change.state === state)) {
    return Promise.resolve()
  }
  return waitForEvent<MessageStateChange>(peer.events, 'message:state', {
    timeoutMs,
    filter: (change) => change.id === id && change.state === state,
  })
}

/** Resolves once `peer` has received `count` texts in all. */
export function receivedCount(peer: MessagingPeer, count: number, timeoutMs = 15_000) {
  if (peer.received.length >= count) return Promise.resolve()
  return waitForEvent<MessageView>(peer.events, 'message:received', {
    timeoutMs,
    filter: () => peer.received.length >= count,
  })
}

export function publicKeyHex(peer: MessagingPeer): string {
  return toHex(peer.identity.publicKey)
}

/**
 * The peers (and anything else) a test starts, removed by `removeAll` in reverse order:
 * call it in `afterEach`. A peer's `restart` keeps it tracked under its new instance.
 */
export class TestPeers {
  readonly #cleanups: Array<() => Promise<void>> = []

  async start(
    directory: BundleDirectory,
    options: Partial<MessagingPeerOptions> = {},
  ): Promise<MessagingPeer> {
    const started = await startMessagingPeer({ directory, ...options })
    let current = started
    this.defer(() => current.remove())
    const restart = started.restart
    started.restart = async () => {
      current = await restart()
      return current
    }
    return started
  }

  defer(cleanup: () => Promise<void>): void {
    this.#cleanups.push(cleanup)
  }

  async removeAll(): Promise<void> {
    for (const cleanup of this.#cleanups.splice(0).reverse()) await cleanup()
  }
}
