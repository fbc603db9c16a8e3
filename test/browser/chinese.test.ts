/**
 * The web client in Simplified Chinese, in Debian's Chromium against real nodes: a browser
 * whose language is zh-CN gets every main screen in Chinese with `<html lang="zh-CN">`
 * (welcome, unlock, chats, a 1:1 chat, a room, contacts, rooms, settings). On each screen the
 * visible text and the accessible names and titles (aria-label, title, placeholder, alt),
 * once the people's own data is taken out (what the page marks translate="no", such as device
 * names and the identifiers in Settings; peer ids, room id, addresses, commands to type), hold
 * no run of Latin letters but the product's name, the language setting's own label, "ID" and
 * key names. Settings → Language / 语言 (and the same picker on the first
 * screens) switches to English and back, and the choice outlives a reload.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FriendsInBrowser, startFriendsInBrowser } from './web-network.ts'

const LIVE_MS = 20_000
/**
 * Latin words that may stay: the product, the language switch's own labels, "ID" (节点 ID, as
 * Chinese apps write it) and the names of keys (Enter, Shift).
 */
const ALLOWED = new Set(['TokenIM', 'Language', 'English', 'ID', 'Enter', 'Shift'])
const BASE58 = '[1-9A-HJ-NP-Za-km-z]'

/** The Latin words left in what the page shows and names, once people's own data is out. */
async function englishOn(page: Page, own: readonly string[]): Promise<string[]> {
  const texts = await page.evaluate(() => {
    // What the page marks translate="no" (names, identifiers) is left out whole, never cut out
    // of the text by value: a short name (a host name) may occur inside a random identifier.
    // Hidden for the one read, through the CSSOM (the page's CSP refuses a <style>).
    const untranslated = Array.from(document.querySelectorAll<HTMLElement>('[translate="no"]'))
    const shown = untranslated.map((element) => element.style.getPropertyValue('display'))
    for (const element of untranslated) element.style.setProperty('display', 'none', 'important')
    const found = [document.body.innerText, document.title]
    for (const [i, element] of untranslated.entries()) {
      element.style.setProperty('display', shown[i] ?? '')
    }
    const named = document.querySelectorAll('[aria-label], [title], [placeholder], [alt]')
    for (let i = 0; i < named.length; i++) {
      const element = named[i]
      if (element.closest('[translate="no"]') != null) continue
      for (const name of ['aria-label', 'title', 'placeholder', 'alt']) {
        const value = element.getAttribute(name)
        if (value != null) found.push(value)
      }
    }
    return found
  })
  let text = texts.join('\n')
  for (const value of own) text = text.split(value).join(' ')
  text = text
    .replace(/\/(ip4|ip6|dns4?|dns6)\/\S+/g, ' ') // multiaddrs
    .replace(/tokenim( [a-z-]+)+( [A-Z]+)?|--[a-z-]+/g, ' ') // commands and flags to type
    .replace(new RegExp(`12D3KooW${BASE58}+`, 'g'), ' ') // whole peer ids
    .replace(new RegExp(`${BASE58}{4}…${BASE58}{4}|…${BASE58}{8}`, 'g'), ' ') // short ones
  return [...new Set(text.match(/[A-Za-z]{2,}/g) ?? [])].filter((word) => !ALLOWED.has(word))
}

describe('web client in Chinese', () => {
  let friends: FriendsInBrowser
  let own: string[]

  beforeAll(async () => {
    friends = await startFriendsInBrowser('zh-CN')
    const { alice, bob } = friends
    await bob.api.sendMessage(alice.node.peerId, '今晚一起吃饭吗？')
    const room = await alice.api.createRoom({ name: '读书会' })
    await alice.api.sendRoomMessage(room.roomId, '周五读第一章')
    own = [alice.node.peerId, bob.node.peerId, room.roomId]
  })
  afterAll(() => friends?.close())

  async function section(page: Page, name: string): Promise<void> {
    await page.getByRole('navigation', { name: '导航' }).getByRole('button', { name }).click()
  }

  it('shows chats, a chat, a room, contacts, rooms and settings without English', async () => {
    const { browser, alice } = friends
    const page = await browser.context.newPage()
    page.setDefaultTimeout(LIVE_MS)
    await page.goto(alice.webUrl)
    await page.getByRole('navigation', { name: '导航' }).waitFor()
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN')
    const found: Record<string, string[]> = {}

    const conversations = page.getByRole('listbox', { name: '会话列表' }).getByRole('option')
    const withBob = conversations.filter({ hasText: '今晚一起吃饭吗？' })
    await withBob.waitFor()
    found.chats = await englishOn(page, own)
    await withBob.click()
    const message = page.getByTestId('chat').getByText('今晚一起吃饭吗？')
    await message.waitFor()
    expect(await message.getAttribute('dir')).toBe('auto')
    found.chat = await englishOn(page, own)

    await conversations.filter({ hasText: '读书会' }).click()
    await page.getByTestId('chat').getByText('周五读第一章').waitFor()
    found.room = await englishOn(page, own)

    await section(page, '通讯录')
    await page.getByRole('region', { name: '通讯录' }).getByTestId('friend').waitFor()
    found.contacts = await englishOn(page, own)

    await section(page, '群聊')
    await page.getByRole('region', { name: '群聊' }).getByText('读书会').first().waitFor()
    found.rooms = await englishOn(page, own)

    await section(page, '设置')
    const settings = page.getByRole('region', { name: '设置' })
    await settings.getByTestId('relay').first().waitFor()
    await settings.getByTestId('two-factor-state').waitFor()
    found.settings = await englishOn(page, own)

    expect(found).toEqual({ chats: [], chat: [], room: [], contacts: [], rooms: [], settings: [] })

    // The language setting: English at once, kept across a reload, and back to Chinese.
    await settings.getByLabel('界面语言').selectOption('en')
    await page.getByRole('region', { name: 'Settings' }).waitFor()
    expect(await page.locator('html').getAttribute('lang')).toBe('en')
    await page.reload()
    const sections = page.getByRole('navigation', { name: 'Sections' })
    await sections.getByRole('button', { name: 'Settings' }).click()
    await page
      .getByRole('region', { name: 'Settings' })
      .getByLabel('Language', { exact: true })
      .selectOption('zh')
    await page.getByRole('region', { name: '设置' }).waitFor()
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN')
    await page.close()
  })

  it('shows the welcome and unlock screens without English', async () => {
    const { network, browser, bob } = friends
    const page = await browser.context.newPage()
    page.setDefaultTimeout(LIVE_MS)
    const carol = await network.fresh()
    await page.goto(carol.webUrl)
    await page.getByRole('heading', { name: '欢迎使用 TokenIM' }).waitFor()
    const welcome = await englishOn(page, own)
    // The first screens have the language picker too: English at once, then back.
    await page.getByLabel('语言 / Language').selectOption('en')
    await page.getByRole('heading', { name: 'Welcome to TokenIM' }).waitFor()
    await page.getByLabel('Language / 语言').selectOption('zh')
    await page.getByRole('heading', { name: '欢迎使用 TokenIM' }).waitFor()

    await network.restart(bob)
    await page.goto(bob.webUrl)
    await page.getByRole('heading', { name: '解锁 TokenIM' }).waitFor()
    const unlock = await englishOn(page, own)
    await page.getByLabel('密码', { exact: true }).fill('not the password')
    await page.getByRole('button', { name: '解锁', exact: true }).click()
    await page.getByRole('alert').waitFor()
    const wrongPassword = await englishOn(page, own)
    expect({ welcome, unlock, wrongPassword }).toEqual({
      welcome: [],
      unlock: [],
      wrongPassword: [],
    })
    await page.close()
  })
})
