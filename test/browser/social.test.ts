/**
 * The web client's social flow against real processes on loopback (one relay, two nodes
 * started with `tokenim start --web`): create both identities in the browser, register
 * usernames, befriend with a note, chat both ways with styled text, send an image whose
 * thumbnail shows inline on the other side and opens to the full image, and search the
 * history; each friend's row and the chat's header say the friend is reached directly.
 * Everything the pages show arrives over the event stream. Rooms and presence
 * between such processes: social-rooms.test.ts.
 */
import { crc32, deflateSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createIdentity,
  LIVE_MS,
  openBobsChat,
  type Person,
  type ProcessNetwork,
  registerFromPrompt,
  startProcessNetwork,
} from './process-person.ts'
import { saveScreenshot } from './screenshots.ts'
import { expectAttribute, expectNaturalWidth, expectText } from './ui-expect.ts'

describe('web client: contacts and chats between two real nodes', () => {
  let network: ProcessNetwork
  let alice: Person
  let bob: Person

  beforeAll(async () => {
    network = await startProcessNetwork(['alice', 'bob'])
    ;[alice, bob] = network.people
  })
  afterAll(() => network?.close())

  it('creates both identities and registers their usernames from the prompt', async () => {
    for (const person of [alice, bob]) {
      await createIdentity(person.page)
      await registerFromPrompt(person)
      await person.page.getByRole('button', { name: 'Contacts' }).click()
      await expectText(person.page.getByTestId('own-name'), person.name, LIVE_MS)
    }
  })

  it('sends a friend request with a note; the other side accepts; both see each other online', async () => {
    const { page } = alice
    await page.getByLabel('Find people by username').fill('bo')
    await page.getByRole('button', { name: 'Search', exact: true }).click()
    await page.getByRole('button', { name: 'Choose bob' }).click()
    await page.getByLabel('Note (optional)').fill('Hi Bob, it is Alice from the book club')
    await page.getByRole('button', { name: 'Send friend request' }).click()
    await page.getByTestId('outgoing-request').filter({ hasText: 'bob' }).waitFor()

    // Bob's Contacts tab counts the request live; the note comes with it.
    await bob.page.getByTestId('requests-badge').waitFor({ timeout: LIVE_MS })
    const request = bob.page.getByTestId('incoming-request')
    await expectText(request, /from the book club/, LIVE_MS)
    await saveScreenshot(bob.page, 'contacts-request')
    await bob.page.getByRole('button', { name: 'Accept alice' }).click()

    for (const [person, other] of [
      [alice, 'bob'],
      [bob, 'alice'],
    ] as const) {
      const friend = person.page.getByTestId('friend').filter({ hasText: other })
      await expectAttribute(friend.getByTestId('presence'), 'data-online', 'true', LIVE_MS)
      // Both listen on loopback: the node connects directly, and the row says so.
      await expectText(friend.getByTestId('reach'), 'direct', LIVE_MS)
      expect(await friend.getByTestId('reach').getAttribute('title')).toMatch(
        /^Connected directly: \/ip4\/127\.0\.0\.1\/tcp\/\d+/,
      )
    }
    await saveScreenshot(alice.page, 'contacts')
  })

  it('chats both ways with styled text, unread dots and delivery ticks', async () => {
    await openBobsChat(alice.page)
    await expectText(alice.page.getByTestId('chat-reach'), 'direct', LIVE_MS)
    const composer = alice.page.getByLabel('Message', { exact: true })
    await alice.page.getByRole('button', { name: 'Bold' }).click()
    await alice.page.getByLabel('Text size').selectOption('18')
    await composer.fill('Hello Bob!')
    await composer.press('Enter')
    const sent = alice.page.getByTestId('message').filter({ hasText: 'Hello Bob!' })
    await sent.waitFor()
    expect(await composer.inputValue()).toBe('')

    // Bob's list shows the conversation with an unread dot and the preview, live.
    const row = bob.page.getByTestId('conversation').filter({ hasText: 'alice' })
    await bob.page.getByRole('button', { name: 'Chats' }).click()
    await expectText(row.getByTestId('unread'), /^1/, LIVE_MS)
    expect(await row.textContent()).toContain('Hello Bob!')
    await row.click()
    const received = bob.page.getByTestId('message').filter({ hasText: 'Hello Bob!' })
    const look = await received.locator('.message-text').evaluate((element) => {
      const style = getComputedStyle(element)
      return { weight: style.fontWeight, size: style.fontSize }
    })
    expect(look).toEqual({ weight: '700', size: '24px' })
    await row.getByTestId('unread').waitFor({ state: 'detached', timeout: LIVE_MS })
    expect(await row.getByTestId('unread').count()).toBe(0)

    // Opening it marked it read: Alice's ticks say so.
    await expectAttribute(sent.getByTestId('delivery'), 'data-state', 'read', LIVE_MS)

    // Shift+Enter starts a new line; Enter sends both lines as one message.
    const reply = bob.page.getByLabel('Message', { exact: true })
    await reply.fill('Hi Alice')
    await reply.press('Shift+Enter')
    await reply.pressSequentially('see you Thursday')
    await reply.press('Enter')
    const answer = alice.page.getByTestId('message').filter({ hasText: 'see you Thursday' })
    await answer.waitFor({ timeout: LIVE_MS })
    expect(await answer.locator('.message-text').textContent()).toBe('Hi Alice\nsee you Thursday')
  })

  it('sends an image that the other side shows inline as its thumbnail, opening to the full image', async () => {
    await alice.page.getByLabel('Send an image or a file').setInputFiles({
      name: 'sunset.png',
      mimeType: 'image/png',
      buffer: solidPng(600, 400, [230, 120, 40]),
    })
    // The receiving node scales it to at most 256 px; the chat shows that copy, not the file.
    const image = bob.page.getByRole('img', { name: 'sunset.png' })
    await expectAttribute(image, 'data-source', 'thumbnail', LIVE_MS)
    await expectNaturalWidth(image, 256, LIVE_MS)
    expect(await image.getAttribute('src')).toMatch(/^blob:/)
    // The sender's node makes no thumbnail of its own file: it shows the file.
    const own = alice.page.getByRole('img', { name: 'sunset.png' })
    await expectAttribute(own, 'data-source', 'file', LIVE_MS)

    await bob.page.getByRole('button', { name: 'Open sunset.png full size' }).press('Enter')
    const viewer = bob.page.getByRole('dialog', { name: 'sunset.png, full size' })
    const full = viewer.getByRole('img', { name: 'sunset.png' })
    await expectNaturalWidth(full, 600, LIVE_MS)
    await bob.page.keyboard.press('Escape')
    await viewer.waitFor({ state: 'detached' })
    // Closing gives the focus back to the thumbnail; then the reader goes on typing.
    expect(await bob.page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
      'Open sunset.png full size',
    )
    await bob.page.getByLabel('Message', { exact: true }).focus()

    await saveScreenshot(bob.page, 'chat')
    await bob.page.setViewportSize({ width: 390, height: 844 })
    await saveScreenshot(bob.page, 'chat-phone')
    await bob.page.setViewportSize({ width: 1280, height: 800 })
  })

  it('finds a message by searching across conversations', async () => {
    const { page } = bob
    await page.getByRole('button', { name: 'Chats' }).click()
    await page.getByLabel('Search messages').fill('hello')
    await page.getByLabel('Search messages').press('Enter')
    const hits = page.getByRole('list', { name: 'Search results' })
    await expectText(hits, /Hello Bob!/, LIVE_MS)
  })
})

/** A PNG of one colour: enough for the node to detect an image and the browser to decode it. */
function solidPng(width: number, height: number, [r, g, b]: [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
    const framed = Buffer.alloc(body.length + 8)
    framed.writeUInt32BE(data.length, 0)
    body.copy(framed, 4)
    framed.writeUInt32BE(crc32(body), body.length + 4)
    return framed
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header.set([8, 2, 0, 0, 0], 8) // 8-bit RGB, no interlace
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array(width).fill([r, g, b]).flat())])
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(Array(height).fill(row)))),
    chunk('IEND', Buffer.alloc(0)),
  ])
}
