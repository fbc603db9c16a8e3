/**
 * Notifications between two real nodes: alice turns desktop notifications on in Settings;
 * while her tab is hidden a message from bob raises one (seen by the page's Notification
 * constructor) and the tab's title and icon count it; a friend request from carol raises one
 * too; once she mutes the chat with bob (kept on her node), his next message raises none and
 * is not counted. And the live side of the
 * stable address: an open tab waits through a node restart, reconnects (to the unlock screen)
 * without a reload, and shows a message sent after the restart; an open chat catches up on
 * a message whose event its socket missed once the socket reopens, and keeps one whose event
 * came while its first page was on its way.
 */
import type { Page, WebSocketRoute } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { waitForEvent } from '../helpers/wait.ts'
import type { Browser } from './chromium.ts'
import { notificationsOf, setHidden, watchNotifications } from './page-notifications.ts'
import {
  type FriendsInBrowser,
  openApp,
  PASSWORD,
  startFriendsInBrowser,
  type WebNetwork,
  type WebPerson,
} from './web-network.ts'

const LIVE_MS = 20_000

describe('web client: notifications', () => {
  let friends: FriendsInBrowser
  let network: WebNetwork
  let browser: Browser
  let alice: WebPerson
  let bob: WebPerson
  let page: Page

  beforeAll(async () => {
    friends = await startFriendsInBrowser()
    ;({ network, browser, alice, bob } = friends)
    await browser.context.grantPermissions(['notifications'], {
      origin: new URL(alice.webUrl).origin,
    })
    page = await browser.context.newPage()
    page.setDefaultTimeout(LIVE_MS)
    await watchNotifications(page)
    await openApp(page, alice)
  })
  afterAll(() => friends?.close())

  it('notifies of a message while the tab is hidden, and counts it in the title and icon', async () => {
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('button', { name: 'Settings' })
      .click()
    // The box follows once the browser has granted the permission: click, then wait for it.
    await page.getByLabel('Desktop notifications while TokenIM is in the background').click()
    await page.getByText('You will be notified').waitFor()
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('button', { name: 'Chats' })
      .click()

    // Visible: a message raises nothing.
    await bob.api.sendMessage(alice.node.peerId, 'seen while looking')
    await page.getByText('seen while looking').waitFor()
    expect(await notificationsOf(page)).toEqual([])

    await setHidden(page, true)
    await bob.api.sendMessage(alice.node.peerId, 'are you there?')
    await page.waitForFunction(
      () => (window as unknown as { notifications: unknown[] }).notifications.length === 1,
    )
    const [raised] = await notificationsOf(page)
    expect(raised.body).toBe('are you there?')
    expect(raised.tag).toBe(`direct:${bob.node.peerId}`)
    await page.waitForFunction(() => document.title === '(2) TokenIM')
    expect(await page.locator('link[rel="icon"]').getAttribute('data-unread')).toBe('2')
  })

  it('notifies of a friend request while the tab is hidden', async () => {
    const carol = await network.person()
    const requested = waitForEvent(alice.node, 'friend:request', { timeoutMs: LIVE_MS })
    await carol.api.addFriend(alice.node.peerId, 'from the book club')
    await requested
    await page.waitForFunction(
      () => (window as unknown as { notifications: unknown[] }).notifications.length === 2,
    )
    const [, raised] = await notificationsOf(page)
    expect(raised.title).toBe('Friend request')
    expect(raised.tag).toBe(`request:${carol.node.peerId}`)
    expect(raised.body).toContain('from the book club')
  })

  it('a muted chat raises no notification and is not counted; the mute is kept on the node', async () => {
    await setHidden(page, false)
    await page.getByRole('listbox', { name: 'Conversations' }).getByRole('option').first().click()
    await page.getByRole('button', { name: 'Mute' }).click()
    await page.getByRole('button', { name: 'Unmute' }).waitFor()
    expect((await alice.api.mutedConversations()).muted).toEqual([`direct:${bob.node.peerId}`])
    await page.waitForFunction(() => document.title === 'TokenIM')

    await setHidden(page, true)
    await bob.api.sendMessage(alice.node.peerId, 'muted news')
    // Shown in the open chat: the event reached the page, whose notifier runs first.
    await page.getByTestId('chat').getByText('muted news').waitFor()
    expect(await notificationsOf(page)).toHaveLength(2)
    expect(await page.title()).toBe('TokenIM')
  })
})

/** Alice and bob as friends, and alice's page; all closed after `run`. */
async function withFriends(
  run: (friends: {
    network: WebNetwork
    alice: WebPerson
    bob: WebPerson
    page: Page
  }) => Promise<void>,
): Promise<void> {
  const friends = await startFriendsInBrowser()
  try {
    const page = await friends.browser.context.newPage()
    page.setDefaultTimeout(LIVE_MS)
    await run({ ...friends, page })
  } finally {
    await friends.close()
  }
}

describe('web client: an open tab across a node restart', () => {
  it('waits while the node is down, reconnects to the unlock screen, then shows a new message', async () => {
    await withFriends(async ({ network, alice, bob, page }) => {
      await openApp(page, alice)
      await bob.api.sendMessage(alice.node.peerId, 'before the restart')
      await page.getByRole('listbox', { name: 'Conversations' }).getByRole('option').first().click()
      await page.getByTestId('chat').getByText('before the restart').waitFor()

      const stopped = alice.daemon.stop()
      await page
        .locator('.banner')
        .getByText(/reconnects by itself/)
        .waitFor()
      await stopped
      const daemon = await network.restart(alice)
      expect(daemon.api.webUrl).toBe(alice.webUrl)
      await page.getByRole('heading', { name: 'Unlock TokenIM' }).waitFor()
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD)
      await page.getByRole('button', { name: 'Unlock', exact: true }).click()
      await page.getByRole('listbox', { name: 'Conversations' }).getByRole('option').first().click()
      const arrived = waitForEvent(daemon.node!, 'message:received', { timeoutMs: LIVE_MS })
      await bob.api.sendMessage(alice.node.peerId, 'after the restart')
      await arrived
      await page.getByTestId('chat').getByText('after the restart').waitFor()
    })
  })

  it('an open chat shows a message whose event was missed once the event stream reopens', async () => {
    await withFriends(async ({ alice, bob, page }) => {
      // The page's event socket goes through a proxy that can lose the node's events, as a
      // socket that dropped (or had not opened yet) does.
      let losing = false
      let lost: () => void = () => {}
      const lostOne = new Promise<void>((resolve) => {
        lost = resolve
      })
      const sockets: WebSocketRoute[] = []
      await page.routeWebSocket(/\/v1\/events/, (socket) => {
        sockets.push(socket)
        const server = socket.connectToServer()
        server.onMessage((event) => {
          if (losing && String(event).includes('"message:received"')) lost()
          else socket.send(event)
        })
      })
      await openApp(page, alice)
      await bob.api.sendMessage(alice.node.peerId, 'seen live')
      await page.getByRole('listbox', { name: 'Conversations' }).getByRole('option').first().click()
      await page.getByTestId('chat').getByText('seen live').waitFor()

      losing = true
      await bob.api.sendMessage(alice.node.peerId, 'sent while the stream was down')
      await lostOne
      expect(
        await page.getByTestId('chat').getByText('sent while the stream was down').count(),
      ).toBe(0)
      losing = false
      await sockets[0].close()
      await page.getByTestId('chat').getByText('sent while the stream was down').waitFor()
      expect(sockets.length).toBe(2)
    })
  })

  it('an open chat keeps a message whose event came while its first page was on its way', async () => {
    await withFriends(async ({ alice, bob, page }) => {
      await openApp(page, alice)
      await bob.api.sendMessage(alice.node.peerId, 'in the first page')
      // The node reads the first page before bob's next message is stored, and the page
      // reaches the tab only after that message's event did.
      let read: () => void = () => {}
      const pageRead = new Promise<void>((resolve) => {
        read = resolve
      })
      let release: () => void = () => {}
      const released = new Promise<void>((resolve) => {
        release = resolve
      })
      await page.route('**/v1/conversations/open', async (route) => {
        const response = await route.fetch()
        read()
        await released
        await route.fulfill({ response })
      })
      await page.getByRole('listbox', { name: 'Conversations' }).getByRole('option').first().click()
      await pageRead
      await bob.api.sendMessage(alice.node.peerId, 'while the page was on its way')
      const chat = page.getByTestId('chat')
      await chat.getByText('while the page was on its way').waitFor()
      release()
      await chat.getByText('in the first page').waitFor()
      expect(await chat.getByText('while the page was on its way').count()).toBe(1)
    })
  })
})
