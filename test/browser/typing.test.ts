/**
 * Typing indicators in the web client, between two real nodes (doc/friends.md, "Typing"):
 * while alice writes in her chat with bob, bob's chat header says she is typing; once she
 * sends, the text shows and the indicator is gone. With indicators off in bob's Settings,
 * alice writing shows nothing on bob's page, and bob's own writing is not told to alice.
 */
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type FriendsInBrowser,
  openChat,
  openChatPages,
  startFriendsInBrowser,
} from './web-network.ts'

const LIVE_MS = 20_000

describe('web client: typing indicators', () => {
  let friends: FriendsInBrowser
  let alicePage: Page
  let bobPage: Page
  let aliceChat: Locator
  let bobChat: Locator

  beforeAll(async () => {
    friends = await startFriendsInBrowser()
    ;({ alicePage, bobPage, aliceChat, bobChat } = await openChatPages(friends, {
      firstText: 'are you coming?',
      timeoutMs: LIVE_MS,
    }))
    // Alice writes, bob watches: the acting page is in front (a page behind another gets
    // throttled frames, on which each of Playwright's checks would wait).
    await alicePage.bringToFront()
  }, 120_000)
  afterAll(() => friends?.close())

  it('shows on bob’s page while alice writes, and goes once her text comes', async () => {
    const typing = bobChat.getByTestId('chat-typing')
    await aliceChat.getByLabel('Message', { exact: true }).pressSequentially('on my w')
    await expect.poll(() => typing.textContent(), { timeout: LIVE_MS }).toBe('typing…')
    await aliceChat.getByLabel('Message', { exact: true }).pressSequentially('ay')
    await aliceChat.getByLabel('Message', { exact: true }).press('Enter')
    await bobChat.getByText('on my way').waitFor()
    await expect.poll(() => typing.textContent(), { timeout: LIVE_MS }).toBe('')
  })

  it('turned off in bob’s Settings: alice’s writing no longer shows, and bob’s is not told', async () => {
    await bobPage.bringToFront()
    const sections = bobPage.getByRole('navigation', { name: 'Sections' })
    await sections.getByRole('button', { name: 'Settings' }).click()
    const box = bobPage.getByRole('checkbox', { name: /Typing indicators/ })
    await expect.poll(() => box.isChecked()).toBe(true)
    await box.uncheck()
    await bobPage.getByText('Typing indicators are off').waitFor()
    expect(await friends.bob.api.presenceSettings()).toMatchObject({ typingIndicators: false })
    await sections.getByRole('button', { name: 'Chats' }).click()
    bobChat = await openChat(bobPage)
    // Bob writes: alice's node hears nothing of it before his text (a typing heartbeat goes
    // at once, ahead of any text, when indicators are on).
    const told: unknown[] = []
    friends.alice.node.addEventListener('typing:changed', (event) =>
      told.push((event as CustomEvent).detail),
    )
    await bobChat.getByLabel('Message', { exact: true }).pressSequentially('see you there')
    await bobChat.getByLabel('Message', { exact: true }).press('Enter')
    await aliceChat.getByText('see you there').waitFor()
    expect(told).toEqual([])
  })
})
