/**
 * The web client on a phone (360×740, 390×844) against real nodes in Debian's Chromium: every main
 * screen (first run, the chat list, a 1:1 chat, a room, contacts, settings) fits the width,
 * the header stays one compact row, the username card and the composer are on screen and not
 * covered by anything (also with the height a keyboard leaves), the list opens a chat that covers it and whose Back returns to it, the
 * controls a thumb uses are at least 40 px high, and axe finds no serious violation.
 */
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seriousViolations } from './axe-check.ts'
import {
  type FriendsInBrowser,
  openApp,
  PASSWORD,
  startFriendsWithConversations,
} from './web-network.ts'

const PHONE = { width: 360, height: 740 }
const PHONES = [PHONE, { width: 390, height: 844 }]
/** What an on-screen keyboard takes (the page asks the browser to resize to what is left). */
const KEYBOARD_PX = 300
const LIVE_MS = 20_000
/** One row of header: the peer id and fingerprint folded away. */
const HEADER_MAX_PX = 72
/** The smallest control a thumb hits reliably. */
const TOUCH_MIN_PX = 40
/** Room for a short name in a chat's header. */
const TITLE_MIN_PX = 80

/** What is wrong with the page's layout as it is now, one line each (none: []). */
async function layoutProblems(page: Page, screen: string): Promise<string[]> {
  const widths = await page.evaluate(() => ({
    scroll: document.scrollingElement?.scrollWidth ?? 0,
    inner: window.innerWidth,
    // What sticks out, to name in the failure.
    wide: Array.from(document.querySelectorAll('body *'))
      .filter((element) => element.getBoundingClientRect().right > window.innerWidth)
      .slice(0, 4)
      .map((element) => `${element.tagName.toLowerCase()}.${element.className}`)
      .join(', '),
  }))
  const problems =
    widths.scroll > widths.inner ? [`${screen}: ${widths.scroll} px wide (${widths.wide})`] : []
  return [...problems, ...(await seriousViolations(page)).map((v) => `${screen}: ${v}`)]
}

/** Whether the element is on screen and the topmost thing at its centre ('ok'), or why not. */
function uncovered(locator: Locator): Promise<string> {
  return locator.evaluate((element) => {
    const box = element.getBoundingClientRect()
    const x = box.left + box.width / 2
    const y = box.top + box.height / 2
    if (box.width === 0 || x < 0 || y < 0 || x > innerWidth || y > innerHeight) {
      return `centre (${Math.round(x)}, ${Math.round(y)}) off screen`
    }
    const hit = document.elementFromPoint(x, y)
    if (hit != null && (hit === element || element.contains(hit))) return 'ok'
    return `covered by <${hit?.tagName.toLowerCase()} class="${hit?.className}">`
  })
}

/** The visible controls under `scope` lower than a thumb needs, named. */
function smallTargets(scope: Locator): Promise<string[]> {
  return scope.evaluate((root, min) => {
    const controls = root.querySelectorAll<HTMLElement>('button, summary, select, textarea')
    return Array.from(controls)
      .filter((control) => {
        const box = control.getBoundingClientRect()
        return box.width > 0 && box.height > 0 && box.height < min
      })
      .map(
        (control) =>
          `${control.textContent?.trim() || control.tagName} (${control.getBoundingClientRect().height} px)`,
      )
  }, TOUCH_MIN_PX)
}

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
      for (const name of ['Devices', 'Profile']) {
        const heading = settings.getByRole('heading', { name, exact: true })
        await heading.scrollIntoViewIfNeeded()
        expect(await uncovered(heading)).toBe('ok')
      }
      problems.push(...(await layoutProblems(page, 'settings')))
      expect(problems).toEqual([])
    },
  )
})
