/**
 * Accessibility of every screen of the web client, checked by axe (the rules of WCAG 2.1 A
 * and AA) in Debian's Chromium against real nodes: the first-run screens of a node without
 * an identity (welcome, create, the backup phrase and its check, restore), the unlock screen of a restarted one, and the running app's sections (chats,
 * a 1:1 chat, contacts, rooms with a room open, settings). A serious or critical violation
 * fails the test with the rule and the elements it names.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seriousViolations } from './axe-check.ts'
import {
  type FriendsInBrowser,
  openApp,
  PASSWORD,
  startFriendsWithConversations,
} from './web-network.ts'

const LIVE_MS = 20_000
describe('web client: accessibility (axe) on every screen', () => {
  let friends: FriendsInBrowser

  beforeAll(async () => {
    friends = await startFriendsWithConversations()
  })
  afterAll(() => friends?.close())

  async function section(page: Page, name: string): Promise<void> {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name }).click()
  }

  it('the running app: chats, a 1:1 chat, a room, contacts, rooms, settings', async () => {
    const { browser, alice } = friends
    const page = await browser.context.newPage()
    page.setDefaultTimeout(LIVE_MS)
    await openApp(page, alice)
    const found: Record<string, string[]> = {}

    const withBob = page
      .getByRole('listbox', { name: 'Conversations' })
      .getByRole('option')
      .filter({ hasText: 'hello from bob' })
    await withBob.waitFor()
    found.chats = await seriousViolations(page)
    await withBob.click()
    await page.getByTestId('chat').getByText('hello from bob').waitFor()
    found.chat = await seriousViolations(page)

    await page
      .getByRole('listbox', { name: 'Conversations' })
      .getByRole('option')
      .filter({ hasText: 'Book club' })
      .click()
    await page.getByTestId('chat').getByText('Chapter one for Friday').waitFor()
    found.room = await seriousViolations(page)

    await section(page, 'Contacts')
    await page.getByRole('region', { name: 'Contacts' }).waitFor()
    found.contacts = await seriousViolations(page)

    await section(page, 'Rooms')
    await page.getByRole('region', { name: 'Rooms' }).getByText('Book club').first().waitFor()
    found.rooms = await seriousViolations(page)

    await section(page, 'Settings')
    await page.getByRole('region', { name: 'Settings' }).waitFor()
    found.settings = await seriousViolations(page)

    expect(found).toEqual({ chats: [], chat: [], room: [], contacts: [], rooms: [], settings: [] })
  })

  it('the unlock screen of a restarted node', async () => {
    const { network, browser, bob } = friends
    const page = await browser.context.newPage()
    page.setDefaultTimeout(LIVE_MS)
    await network.restart(bob)
    await page.goto(bob.webUrl)
    await page.getByRole('heading', { name: 'Unlock TokenIM' }).waitFor()
    const unlock = await seriousViolations(page)
    await page.getByLabel('Password', { exact: true }).fill('not the password')
    await page.getByRole('button', { name: 'Unlock', exact: true }).click()
    await page.getByRole('alert').waitFor()
    const wrongPassword = await seriousViolations(page)
    expect({ unlock, wrongPassword }).toEqual({ unlock: [], wrongPassword: [] })
  })

  it('the first-run screens of a node without an identity', async () => {
    const { network, browser } = friends
    const page = await browser.context.newPage()
    page.setDefaultTimeout(LIVE_MS)
    const carol = await network.fresh()
    await page.goto(carol.webUrl)
    await page.getByRole('heading', { name: 'Welcome to TokenIM' }).waitFor()
    const welcome = await seriousViolations(page)
    await page.getByRole('button', { name: 'Create a new identity' }).click()
    await page.getByLabel('Password', { exact: true }).waitFor()
    const create = await seriousViolations(page)
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD)
    await page.getByLabel('Repeat the password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Create identity' }).click()
    await page.getByRole('heading', { name: 'Write down your backup phrase' }).waitFor()
    const phrase = await seriousViolations(page)
    await page.getByRole('button', { name: 'I have written them down' }).click()
    await page.getByRole('heading', { name: 'Check your copy' }).waitFor()
    const phraseCheck = await seriousViolations(page)

    const restorePage = await browser.context.newPage()
    await restorePage.goto(carol.webUrl)
    await restorePage.getByRole('button', { name: 'Restore from a backup phrase' }).click()
    await restorePage.getByRole('button', { name: 'Back' }).waitFor()
    const restore = await seriousViolations(restorePage)
    expect({ welcome, create, phrase, phraseCheck, restore }).toEqual({
      welcome: [],
      create: [],
      phrase: [],
      phraseCheck: [],
      restore: [],
    })
  })
})
