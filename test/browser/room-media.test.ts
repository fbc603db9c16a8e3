/**
 * Rooms as chats in the web client, between two real nodes: alice sends an image from the
 * room's composer and bob's page shows it in place (his node fetched it from a member and made
 * its thumbnail); alice writes in bold and `@`-picks bob from the members the composer lists,
 * and bob's page shows the message highlighted, styled, and raises a notification although
 * he muted the room (a plain message in the muted room raises none). axe finds no serious
 * violation on either page, the member list open included.
 */
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { solidPng } from '../helpers/avatar-images.ts'
import { seriousViolations } from './axe-check.ts'
import { notificationsOf, setHidden, watchNotifications } from './page-notifications.ts'
import { expectAttribute, expectText } from './ui-expect.ts'
import { type FriendsInBrowser, openApp, startFriendsInBrowser } from './web-network.ts'

const LIVE_MS = 20_000

async function openRoom(page: Page, name: string): Promise<Locator> {
  await page.bringToFront()
  await page
    .getByRole('navigation', { name: 'Sections' })
    .getByRole('button', { name: 'Rooms' })
    .click()
  await page
    .getByRole('region', { name: 'Rooms' })
    .getByRole('button', { name: `Open ${name}` })
    .click()
  const chat = page.getByTestId('chat')
  await chat.getByRole('heading', { name }).waitFor()
  return chat
}

describe('web client: images, styles and mentions in a room', () => {
  let friends: FriendsInBrowser
  let alicePage: Page
  let bobPage: Page
  let aliceRoom: Locator
  let bobRoom: Locator
  let roomId: string

  beforeAll(async () => {
    friends = await startFriendsInBrowser()
    const { browser, alice, bob } = friends
    const created = await alice.api.createRoom({ name: 'Picnic' })
    roomId = created.roomId
    await bob.api.joinRoom({ room: created.invite })
    // Bob mutes the room: only a mention may notify him.
    await bob.api.muteConversation(`room:${roomId}`, true)
    await browser.context.grantPermissions(['notifications'], {
      origin: new URL(bob.webUrl).origin,
    })
    alicePage = await browser.context.newPage()
    bobPage = await browser.context.newPage()
    for (const page of [alicePage, bobPage]) page.setDefaultTimeout(LIVE_MS)
    await watchNotifications(bobPage)
    await openApp(bobPage, bob)
    await bobPage
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('button', { name: 'Settings' })
      .click()
    await bobPage.getByLabel('Desktop notifications while TokenIM is in the background').click()
    await bobPage.getByText('You will be notified').waitFor()
    await openApp(alicePage, alice)
    bobRoom = await openRoom(bobPage, 'Picnic')
    aliceRoom = await openRoom(alicePage, 'Picnic')
  }, 120_000)
  afterAll(() => friends?.close())

  it('an image alice sends shows on bob’s page, as his node’s thumbnail', async () => {
    await aliceRoom.getByLabel('Send an image or a file').setInputFiles({
      name: 'meadow.png',
      mimeType: 'image/png',
      buffer: Buffer.from(solidPng(600, 400, [60, 160, 60], true)),
    })
    const image = bobRoom.getByRole('img', { name: 'meadow.png' })
    await expectAttribute(image, 'data-source', 'thumbnail', LIVE_MS)
    await expectAttribute(image, 'data-loaded', 'true', LIVE_MS)
    await expectAttribute(
      aliceRoom.getByRole('img', { name: 'meadow.png' }),
      'data-source',
      'file',
      LIVE_MS,
    )
    // The rooms list names the file the last message carries alone.
    await expectText(bobPage.getByTestId('room-last-message'), /meadow\.png/, LIVE_MS)
    const [transfer] = (await friends.bob.api.transfers()).transfers
    expect(transfer).toMatchObject({ roomId, state: 'complete', direction: 'in' })
  })

  it('a mention picked with @ is highlighted on bob’s page and notifies him in the muted room', async () => {
    const { bob } = friends
    await setHidden(bobPage, true)
    const box = aliceRoom.getByLabel('Message', { exact: true })
    await box.fill('plain news')
    await box.press('Enter')
    await bobRoom.getByTestId('message').filter({ hasText: 'plain news' }).waitFor()
    expect(await notificationsOf(bobPage)).toEqual([])

    await alicePage.bringToFront()
    await aliceRoom.getByRole('button', { name: 'Bold' }).click()
    await box.pressSequentially('bring plates @')
    const options = aliceRoom.getByRole('listbox', { name: 'Mention a member' }).getByRole('option')
    await expect.poll(() => options.count()).toBe(1)
    expect(await seriousViolations(alicePage)).toEqual([])
    await box.press('Enter')
    expect(await box.inputValue()).toMatch(/^bring plates @\S+ $/)
    await box.press('Enter')

    const mention = bobRoom.getByTestId('message').filter({ hasText: 'bring plates' })
    await expectAttribute(mention, 'data-mention', 'true', LIVE_MS)
    expect(
      await mention.locator('p.message-text').evaluate((p) => getComputedStyle(p).fontWeight),
    ).toBe('700')
    await bobPage.waitForFunction(
      () => (window as unknown as { notifications: unknown[] }).notifications.length === 1,
    )
    const [raised] = await notificationsOf(bobPage)
    expect(raised.title).toBe('You were mentioned in Picnic')
    expect(raised.tag).toBe(`room:${roomId}`)
    const history = await bob.api.roomHistory(roomId)
    expect(history.messages.at(-1)).toMatchObject({ mentionsMe: true, style: { bold: true } })

    await setHidden(bobPage, false)
    await bobPage.bringToFront()
    expect(await seriousViolations(bobPage)).toEqual([])
  })
})
