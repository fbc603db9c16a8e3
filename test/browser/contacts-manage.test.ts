/**
 * Removing and blocking friends in the web client against a real relay and real nodes: each
 * is asked again before it is done (Cancel, focused, does nothing), and the 1:1 chat with
 * someone who is no longer a friend keeps the name the directory gave them instead of
 * falling back to a short peer id.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { waitForEvent } from '../helpers/wait.ts'
import { type Browser, launchChromium } from './chromium.ts'
import { LIVE_MS } from './process-person.ts'
import { expectText, UI_MS } from './ui-expect.ts'
import {
  befriend,
  createWebNetwork,
  openApp,
  type WebNetwork,
  type WebPerson,
} from './web-network.ts'

describe('web client: removing and blocking friends', () => {
  let network: WebNetwork
  let browser: Browser
  let alice: WebPerson
  let bob: WebPerson
  let carol: WebPerson
  let page: Page

  beforeAll(async () => {
    ;[network, browser] = await Promise.all([createWebNetwork(), launchChromium()])
    ;[alice, bob, carol] = await Promise.all([network.person(), network.person(), network.person()])
    await Promise.all([
      bob.api.registerName({ name: 'bob' }),
      carol.api.registerName({ name: 'carol' }),
    ])
    await befriend(alice, bob)
    await befriend(alice, carol)
    for (const [person, text] of [
      [bob, 'Hi from Bob'],
      [carol, 'Hi from Carol'],
    ] as const) {
      const received = waitForEvent<{ data: { text: string } }>(alice.node, 'message:received', {
        timeoutMs: LIVE_MS,
        filter: ({ data }) => data.text === text,
      })
      await person.api.sendMessage(alice.node.peerId, text)
      await received
    }
    page = await browser.context.newPage()
    page.setDefaultTimeout(LIVE_MS)
    await openApp(page, alice)
  })
  afterAll(async () => {
    await browser?.close()
    await network?.close()
  })

  async function openContacts(): Promise<void> {
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('button', { name: 'Contacts' })
      .click()
  }

  /** Waits until the conversation list names the 1:1 chat with `person` `name`. */
  async function expectChatNamed(person: WebPerson, name: string): Promise<void> {
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('button', { name: 'Chats' })
      .click()
    const row = page.locator(`[data-testid="conversation"][data-id="${person.node.peerId}"]`)
    await expectText(row.locator('.conversation-name'), name, LIVE_MS)
  }

  it('asks before removing a friend; Cancel keeps them; the chat keeps their name', async () => {
    await openContacts()
    // The friend's name arrives once Alice's node has verified Bob's claim in the directory.
    const friend = page.getByTestId('friend').filter({ hasText: 'bob' })
    await friend.getByText('Manage').click()
    await friend.getByRole('button', { name: 'Remove', exact: true }).click()
    const confirm = friend.getByRole('group', { name: 'Confirm removing bob' })
    // Focus moves without a DOM change: wait on the locator (`:focus`), not on mutations.
    await confirm
      .getByRole('button', { name: 'Cancel' })
      .and(page.locator(':focus'))
      .waitFor({ timeout: UI_MS })
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel')
    await confirm.getByRole('button', { name: 'Cancel' }).click()
    await confirm.waitFor({ state: 'detached' })
    expect((await alice.api.friends()).friends.map((f) => f.peerId)).toContain(bob.node.peerId)

    await friend.getByRole('button', { name: 'Remove', exact: true }).click()
    await confirm.getByRole('button', { name: 'Remove bob' }).click()
    await friend.waitFor({ state: 'detached' })
    expect((await alice.api.friends()).friends.map((f) => f.peerId)).not.toContain(bob.node.peerId)
    await expectChatNamed(bob, 'bob')
  })

  it('asks before blocking; after a reload the blocked list still names the chat', async () => {
    await openContacts()
    const friend = page.getByTestId('friend').filter({ hasText: 'carol' })
    await friend.getByText('Manage').click()
    await friend.getByRole('button', { name: 'Block', exact: true }).click()
    await friend
      .getByRole('group', { name: 'Confirm blocking carol' })
      .getByRole('button', { name: 'Block carol' })
      .click()
    await friend.waitFor({ state: 'detached' })
    expect((await alice.api.blocked()).blocked.map((b) => b.peerId)).toContain(carol.node.peerId)

    await openApp(page, alice)
    await expectChatNamed(carol, 'carol')
  })
})
