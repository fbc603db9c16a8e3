/**
 * Message actions in the web client, between two real nodes (doc/message-actions.md): in a
 * 1:1 chat alice replies to bob's message, edits her reply, reacts to his message, writes an
 * emoji from the composer's picker and recalls her reply; bob's page shows each as it comes
 * (the quote above the reply, "edited", the reaction under his message, the emoji, "Message
 * recalled"), and the recalled text is gone from bob's node. Then the same in a room of the
 * two: a reply, an edit, a reaction and a recall, each seen on bob's page.
 */
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FriendsInBrowser, openChatPages, startFriendsInBrowser } from './web-network.ts'

const LIVE_MS = 20_000

/** The message whose own text (not a quote of it) holds `text`, in `chat`. */
function messageWith(chat: Locator, text: string): Locator {
  return chat
    .getByTestId('message')
    .filter({ has: chat.page().locator('p.message-text', { hasText: text }) })
}

/** Opens the actions of `message` (its button shows on hover) and picks `action`. */
async function choose(message: Locator, action: string): Promise<void> {
  await message.hover()
  await message.getByRole('button', { name: 'More actions' }).click()
  await message.getByRole('menu').getByRole('menuitem', { name: action }).click()
}

describe('web client: message actions', () => {
  let friends: FriendsInBrowser
  let alicePage: Page
  let bobPage: Page
  let aliceChat: Locator
  let bobChat: Locator

  beforeAll(async () => {
    friends = await startFriendsInBrowser()
    ;({ alicePage, bobPage, aliceChat, bobChat } = await openChatPages(friends, {
      firstText: 'lunch at noon?',
      timeoutMs: LIVE_MS,
    }))
    // Alice acts, bob watches: a page behind another gets throttled animation frames, and each
    // of Playwright's actionability checks there would wait seconds on them.
    await alicePage.bringToFront()
  }, 120_000)
  afterAll(() => friends?.close())

  it('a reply shows the message it answers on both pages', async () => {
    await choose(messageWith(aliceChat, 'lunch at noon?'), 'Reply')
    await aliceChat.getByTestId('composer-context').getByText('Replying to').waitFor()
    await aliceChat.getByLabel('Message', { exact: true }).fill('yes, at the usual place')
    await aliceChat.getByLabel('Message', { exact: true }).press('Enter')
    const seen = messageWith(bobChat, 'yes, at the usual place')
    await seen.getByTestId('message-quote').getByText('lunch at noon?').waitFor()
    await messageWith(aliceChat, 'yes, at the usual place')
      .getByTestId('message-quote')
      .getByText('lunch at noon?')
      .waitFor()
  })

  it('an edit shows the new text, marked edited, on bob’s page', async () => {
    await choose(messageWith(aliceChat, 'yes, at the usual place'), 'Edit')
    const box = aliceChat.getByLabel('Message', { exact: true })
    await expect.poll(() => box.inputValue()).toBe('yes, at the usual place')
    await box.fill('yes, at the new place')
    await box.press('Enter')
    const edited = messageWith(bobChat, 'yes, at the new place')
    await edited.getByTestId('message-edited').waitFor()
    expect(await messageWith(bobChat, 'yes, at the usual place').count()).toBe(0)
  })

  it('a reaction shows under bob’s message on his page', async () => {
    const message = messageWith(aliceChat, 'lunch at noon?')
    await message.hover()
    await message.getByRole('button', { name: 'More actions' }).click()
    await message.getByRole('menuitemradio', { name: 'React with 👍' }).click()
    const reactions = messageWith(bobChat, 'lunch at noon?').getByTestId('reactions')
    await reactions.getByText('👍').waitFor()
  })

  it('an emoji from the composer’s picker is sent', async () => {
    await aliceChat.getByRole('button', { name: 'Insert an emoji' }).click()
    await aliceChat.getByRole('button', { name: '🎉', exact: true }).click()
    await aliceChat.getByLabel('Message', { exact: true }).press('Enter')
    await messageWith(bobChat, '🎉').waitFor()
  })

  it('a recall shows "Message recalled" on both pages and leaves no text on bob’s node', async () => {
    await choose(messageWith(aliceChat, 'yes, at the new place'), 'Recall')
    await bobChat.getByTestId('message-recalled').getByText('Message recalled').waitFor()
    await aliceChat.getByTestId('message-recalled').waitFor()
    expect(await messageWith(bobChat, 'yes, at the new place').count()).toBe(0)
    const { alice, bob } = friends
    const history = await bob.api.history(alice.node.peerId)
    const recalled = history.messages.find((message) => message.recalled === true)
    expect(recalled).toMatchObject({ text: '', recalled: true })
  })

  it('in a room: reply, edit, reaction and recall, each seen on bob’s page', async () => {
    const { alice, bob } = friends
    const { roomId, invite } = await alice.api.createRoom({ name: 'Picnic' })
    await bob.api.joinRoom({ room: invite })
    const openRoom = async (page: Page) => {
      await page.bringToFront()
      await page
        .getByRole('navigation', { name: 'Sections' })
        .getByRole('button', { name: 'Rooms' })
        .click()
      await page
        .getByRole('region', { name: 'Rooms' })
        .getByRole('button', { name: 'Open Picnic' })
        .click()
      const chat = page.getByTestId('chat')
      await chat.getByRole('heading', { name: 'Picnic' }).waitFor()
      return chat
    }
    const aliceRoom = await openRoom(alicePage)
    const bobRoom = await openRoom(bobPage)
    await alicePage.bringToFront()
    await bob.api.sendRoomMessage(roomId, 'who brings the cake?')
    await messageWith(aliceRoom, 'who brings the cake?').waitFor()

    await choose(messageWith(aliceRoom, 'who brings the cake?'), 'Reply')
    const box = aliceRoom.getByLabel('Message', { exact: true })
    await box.fill('I do')
    await box.press('Enter')
    await messageWith(bobRoom, 'I do')
      .getByTestId('message-quote')
      .getByText('who brings')
      .waitFor()

    await choose(messageWith(aliceRoom, 'I do'), 'Edit')
    await expect.poll(() => box.inputValue()).toBe('I do')
    await box.fill('I do, chocolate')
    await box.press('Enter')
    await messageWith(bobRoom, 'I do, chocolate').getByTestId('message-edited').waitFor()

    const cake = messageWith(aliceRoom, 'who brings the cake?')
    await cake.hover()
    await cake.getByRole('button', { name: 'More actions' }).click()
    await cake.getByRole('menuitemradio', { name: 'React with ❤️' }).click()
    await messageWith(bobRoom, 'who brings the cake?')
      .getByTestId('reactions')
      .getByText('❤️')
      .waitFor()

    await choose(messageWith(aliceRoom, 'I do, chocolate'), 'Recall')
    await bobRoom.getByTestId('message-recalled').getByText('Message recalled').waitFor()
    expect(await messageWith(bobRoom, 'I do, chocolate').count()).toBe(0)
  })
})
