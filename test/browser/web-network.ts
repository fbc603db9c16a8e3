/**
 * A relay and web-serving nodes in this process for browser tests of the running app: each
 * node is a NodeDaemon (the web client and local API as `tokenim start --web` serves them)
 * whose identity was created through the API and connected to the relay (the node publishes
 * its prekeys itself once it reaches the relay's DHT).
 */
import type { Locator, Page } from 'playwright-core'
import { LocalApiClient } from '../../client/api-client.ts'
import { whenRelayConnected } from '../../demo/relay-connected.ts'
import { type Identity, NodeDaemon, type TokenimNode } from '../../node/index.ts'
import type { RelayConfigInput, RelayNode } from '../../relay/index.ts'
import { createNetwork, relayAddress } from '../helpers/relay-network.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { waitForEvent } from '../helpers/wait.ts'
import { type Browser, launchChromium } from './chromium.ts'
import { PASSWORD } from './process-person.ts'

export { PASSWORD }

const FAST_SCRYPT = { N: 2 ** 10, r: 8, p: 1 }

export interface WebPerson {
  daemon: NodeDaemon
  node: TokenimNode
  api: LocalApiClient
  webUrl: string
  backupPhrase: string
  dataDir: string
}

export interface WebNetwork {
  relay: RelayNode
  /** A node whose identity is created through its API; or started on `identity` (same key). */
  person(identity?: Identity): Promise<WebPerson>
  /** A node with no identity yet: the web client shows its first-run screens. */
  fresh(): Promise<{ daemon: NodeDaemon; webUrl: string }>
  /** Stops `person`'s daemon and starts another on the same data dir, locked (the API only). */
  restart(person: WebPerson): Promise<NodeDaemon>
  close(): Promise<void>
}

/** `relayConfig` overrides the relay's config (its sign-up policy, say). */
export async function createWebNetwork(
  relayConfig: Partial<RelayConfigInput> = {},
): Promise<WebNetwork> {
  const network = createNetwork()
  const relay = await network.relay(relayConfig)
  const cleanups: Array<() => Promise<void>> = []
  const newDaemon = (dataDir: string, identity?: Identity) =>
    new NodeDaemon({
      dataDir,
      identity,
      keystore: { scrypt: FAST_SCRYPT },
      node: {
        listen: ['/ip4/127.0.0.1/tcp/0'],
        allowPrivateAddresses: true,
        relays: [relayAddress(relay)],
        relayRedial: { initialDelayMs: 100, maxDelayMs: 1_000 },
      },
    })
  const startDaemon = async (identity?: Identity) => {
    const dir = await makeTempDir('tokenim-web-')
    cleanups.push(() => dir.remove())
    const daemon = newDaemon(dir.path, identity)
    await daemon.start()
    cleanups.push(() => daemon.stop())
    return { daemon, dir }
  }
  return {
    relay,
    async restart(person) {
      await person.daemon.stop()
      const daemon = newDaemon(person.dataDir)
      await daemon.start()
      cleanups.push(() => daemon.stop())
      return daemon
    },
    async fresh() {
      const { daemon } = await startDaemon()
      return { daemon, webUrl: daemon.api.webUrl }
    },
    async person(identity) {
      const { daemon, dir } = await startDaemon(identity)
      const api = new LocalApiClient({
        url: daemon.api.url,
        token: daemon.api.token,
        pid: process.pid,
        peerId: '',
      })
      const backupPhrase =
        identity == null ? (await api.createIdentity({ password: PASSWORD })).backupPhrase : ''
      const node = daemon.node!
      await whenRelayConnected(node, AbortSignal.timeout(20_000))
      return { daemon, node, api, webUrl: daemon.api.webUrl, backupPhrase, dataDir: dir.path }
    },
    async close() {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
      await network.close()
    },
  }
}

/** Makes `a` and `b` friends through their APIs, waiting for both sides to know. */
export async function befriend(a: WebPerson, b: WebPerson): Promise<void> {
  const requested = waitForEvent(b.node, 'friend:request', { timeoutMs: 20_000 })
  await a.api.addFriend(b.node.peerId)
  await requested
  const accepted = waitForEvent(a.node, 'friend:accepted', { timeoutMs: 20_000 })
  await b.api.acceptFriend(a.node.peerId)
  await accepted
}

/** Opens the app on `person`'s node and waits for the shell. */
export async function openApp(page: Page, person: WebPerson): Promise<void> {
  await page.goto(person.webUrl)
  await page.getByRole('navigation', { name: 'Sections' }).waitFor()
}

/** Opens the first conversation in the list (the only one, in most tests): its chat pane. */
export async function openChat(page: Page): Promise<Locator> {
  await page.getByRole('listbox', { name: 'Conversations' }).getByRole('option').first().click()
  return page.getByTestId('chat')
}

/** A web network, a browser, and alice and bob as friends: where most browser tests start. */
export interface FriendsInBrowser {
  network: WebNetwork
  browser: Browser
  alice: WebPerson
  bob: WebPerson
  close(): Promise<void>
}

/**
 * `locale`: the browser's language (English by default); `args`: more browser flags;
 * `relayConfig`: overrides of the relay's config.
 */
export async function startFriendsInBrowser(
  locale?: string,
  args?: string[],
  relayConfig?: Partial<RelayConfigInput>,
): Promise<FriendsInBrowser> {
  const [network, browser] = await Promise.all([
    createWebNetwork(relayConfig),
    launchChromium({ locale, args }),
  ])
  const close = async () => {
    await browser.close()
    await network.close()
  }
  try {
    const [alice, bob] = await Promise.all([network.person(), network.person()])
    await befriend(alice, bob)
    return { network, browser, alice, bob, close }
  } catch (err) {
    await close()
    throw err
  }
}

/** Alice's and bob's pages, each open on their 1:1 chat. */
export interface ChatPages {
  alicePage: Page
  bobPage: Page
  aliceChat: Locator
  bobChat: Locator
}

/**
 * Bob writes `firstText` to alice; then each gets a page open on their chat, showing it.
 * `prepare` runs on each page before the app loads in it (init scripts, permissions).
 */
export async function openChatPages(
  { browser, alice, bob }: FriendsInBrowser,
  options: {
    firstText: string
    timeoutMs: number
    prepare?: (page: Page, person: WebPerson) => Promise<void>
  },
): Promise<ChatPages> {
  await bob.api.sendMessage(alice.node.peerId, options.firstText)
  const alicePage = await browser.context.newPage()
  const bobPage = await browser.context.newPage()
  for (const page of [alicePage, bobPage]) page.setDefaultTimeout(options.timeoutMs)
  await options.prepare?.(alicePage, alice)
  await options.prepare?.(bobPage, bob)
  await openApp(alicePage, alice)
  await openApp(bobPage, bob)
  const aliceChat = await openChat(alicePage)
  const bobChat = await openChat(bobPage)
  await aliceChat.getByText(options.firstText).waitFor()
  await bobChat.getByText(options.firstText).waitFor()
  return { alicePage, bobPage, aliceChat, bobChat }
}

/** The 1:1 text and the room ('Book club') that `startFriendsWithConversations` leaves. */
export const SEEDED = {
  text: 'hello from bob',
  room: 'Book club',
  roomText: 'Chapter one for Friday',
}

/** Alice and bob as friends, bob's text to alice and alice's room with a message in it. */
export async function startFriendsWithConversations(): Promise<FriendsInBrowser> {
  const friends = await startFriendsInBrowser()
  const { alice, bob } = friends
  await bob.api.sendMessage(alice.node.peerId, SEEDED.text)
  const room = await alice.api.createRoom({ name: SEEDED.room })
  await alice.api.sendRoomMessage(room.roomId, SEEDED.roomText)
  return friends
}
