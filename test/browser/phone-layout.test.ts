/**
 * The web client on a phone (360×740, 390×844) against real nodes in Debian's Chromium: every main
 * screen (first run, the chat list, a 1:1 chat, a room, contacts, settings) fits the width,
 * the header stays one compact row, the username card and the composer are on screen and not
 * covered by anything (also with the height a keyboard leaves), the list opens a chat that
 * covers it and whose Back returns to it, leaving the chat out of reach (inert), the controls a thumb uses are at least 40 px high, and axe finds no serious violation.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { layoutProblems, PHONE, reach, smallTargets, uncovered } from './phone-checks.ts'
import {
  type FriendsInBrowser,
  openApp,
  PASSWORD,
  startFriendsWithConversations,
} from './web-network.ts'

const PHONES = [PHONE, { width: 390, height: 844 }]
/** What an on-screen keyboard takes (the page asks the browser to resize to what is left). */
const KEYBOARD_PX = 300
const LIVE_MS = 20_000
/** One row of header: the peer id and fingerprint folded away. */
const HEADER_MAX_PX = 72
/** Room for a short name in a chat's header. */
const TITLE_MIN_PX = 80

describe('web client: phone layouts', () => {
  let friends: FriendsInBrowser

  beforeAll(async () => {
    friends = await startFriendsWithConversations()
  })
  afterAll(() => friends?.close())

  async function phonePage(size = PHONE): Promise<Page> {
    const page = await friends.browser.context.newPage()
    page.setDefaultTimeout(LIVE_MS)
    await page.setViewportSize(size)
    return page
  }

  async function section(page: Page, name: string): Promise<void> {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name }).click()
  }

  it('first run: the welcome and create screens fit', async () => {
    const page = await phonePage()
    const carol = await friends.network.fresh()
    await page.goto(carol.webUrl)
    await page.getByRole('heading', { name: 'Welcome to TokenIM' }).waitFor()
    const problems = await layoutProblems(page, 'welcome')
    await page.getByRole('button', { name: 'Create a new identity' }).click()
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD)
    problems.push(...(await layoutProblems(page, 'create')))
    expect(problems).toEqual([])
  })

  it.each(PHONES)(
    'the running app at $width px: list, chat and back, a room, contacts, settings',
    async (size) => {
      const page = await phonePage(size)
      await openApp(page, friends.alice)
      const problems: string[] = []

      const header = page.locator('header.topbar')
      expect((await header.boundingBox())?.height).toBeLessThanOrEqual(HEADER_MAX_PX)
      // Alice has no username yet: the card asking for one is in sight, not under the list.
      const nameCard = page.getByRole('region', { name: 'Choose a username' })
      expect(await uncovered(nameCard)).toBe('ok')
      problems.push(...(await layoutProblems(page, 'chats')))

      const list = page.getByRole('listbox', { name: 'Conversations' })
      await list.getByRole('option').filter({ hasText: 'hello from bob' }).click()
      const chat = page.getByTestId('chat')
      const message = chat.getByTestId('message').filter({ hasText: 'hello from bob' })
      await message.waitFor()
      expect(await list.isVisible()).toBe(false)
      expect(await uncovered(message)).toBe('ok')
      // The friend's name is readable beside Back, Call and Mute (not ellipsised to nothing).
      const title = await chat.getByRole('heading', { level: 2 }).boundingBox()
      expect(title?.width).toBeGreaterThanOrEqual(TITLE_MIN_PX)
      expect(await uncovered(chat.getByLabel('Message', { exact: true }))).toBe('ok')
      expect(await uncovered(chat.getByRole('button', { name: 'Send', exact: true }))).toBe('ok')
      // The keyboard open: the composer stays above it, the message still under the header.
      await page.setViewportSize({ width: size.width, height: size.height - KEYBOARD_PX })
      expect(await uncovered(chat.getByLabel('Message', { exact: true }))).toBe('ok')
      expect(await uncovered(message)).toBe('ok')
      await page.setViewportSize(size)
      expect(await smallTargets(header)).toEqual([])
      expect(await smallTargets(chat.locator('header.chat-header'))).toEqual([])
      expect(await smallTargets(chat.locator('form'))).toEqual([])
      problems.push(...(await layoutProblems(page, 'chat')))
      await chat.getByRole('button', { name: 'Back' }).click()
      expect(await uncovered(list.getByRole('option').first())).toBe('ok')
      // The chat left under the list is out of reach of screen readers and the keyboard.
      expect(await reach(message)).toBe('out of reach')
      expect(await reach(chat.getByLabel('Message', { exact: true }))).toBe('out of reach')
      expect(await smallTargets(page.getByRole('navigation', { name: 'Sections' }))).toEqual([])

      await list.getByRole('option').filter({ hasText: 'Book club' }).click()
      await chat.getByText('Chapter one for Friday').waitFor()
      expect(await uncovered(chat.getByLabel('Message', { exact: true }))).toBe('ok')
      problems.push(...(await layoutProblems(page, 'room')))
      await chat.getByRole('button', { name: 'Back' }).click()

      await section(page, 'Rooms')
      const rooms = page.getByRole('region', { name: 'Rooms' })
      await rooms.getByRole('button', { name: /^Book club/ }).click()
      const member = rooms.getByTestId('room-member').first()
      await member.scrollIntoViewIfNeeded()
      expect(await uncovered(member)).toBe('ok')
      problems.push(...(await layoutProblems(page, 'rooms')))

      await section(page, 'Contacts')
      const contacts = page.getByRole('region', { name: 'Contacts' })
      const register = contacts.getByRole('button', { name: 'Register a username' })
      await register.scrollIntoViewIfNeeded()
      expect(await uncovered(register)).toBe('ok')
      await register.click()
      const usernameCard = contacts.getByRole('region', { name: 'Register a username' })
      await usernameCard.scrollIntoViewIfNeeded()
      expect(await uncovered(usernameCard.getByRole('textbox').first())).toBe('ok')
      problems.push(...(await layoutProblems(page, 'contacts')))

      await section(page, 'Settings')
      const settings = page.getByRole('region', { name: 'Settings' })
      for (const name of ['Devices', 'What people who search for you see']) {
        const heading = settings.getByRole('heading', { name, exact: true })
        await heading.scrollIntoViewIfNeeded()
        expect(await uncovered(heading)).toBe('ok')
      }
      problems.push(...(await layoutProblems(page, 'settings')))
      expect(problems).toEqual([])
    },
  )
})
