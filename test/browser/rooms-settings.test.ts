/**
 * The web client's rooms panel and settings against a real relay and real nodes: create a
 * room, join it from a second node's web client with the invite, see members and a message
 * arrive live; appear offline as a friend sees it; export the key; show the backup phrase;
 * and the "signed in elsewhere" banner when the same identity starts on a second node.
 */
import { readFile } from 'node:fs/promises'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { identityFromBackupPhrase } from '../../node/index.ts'
import { waitForEvent } from '../helpers/wait.ts'
import type { Browser } from './chromium.ts'
import { LIVE_MS } from './process-person.ts'
import {
  type FriendsInBrowser,
  openApp,
  PASSWORD,
  startFriendsInBrowser,
  type WebNetwork,
  type WebPerson,
} from './web-network.ts'

describe('web client: rooms and settings', () => {
  let friends: FriendsInBrowser
  let network: WebNetwork
  let browser: Browser
  let alice: WebPerson
  let bob: WebPerson

  beforeAll(async () => {
    friends = await startFriendsInBrowser()
    ;({ network, browser, alice, bob } = friends)
  })
  afterAll(() => friends?.close())

  async function openSection(person: WebPerson, section: string): Promise<Page> {
    const page = await browser.context.newPage()
    await openApp(page, person)
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('button', { name: section })
      .click()
    return page
  }

  it('creates a room, a second node joins with its invite, members and a message show live', async () => {
    const alicePage = await openSection(alice, 'Rooms')
    const rooms = alicePage.getByRole('region', { name: 'Rooms' })
    await rooms.getByLabel("New room's name").fill('Book club')
    await rooms.getByRole('button', { name: 'Create room' }).click()
    await rooms.getByRole('status').filter({ hasText: 'Created Book club.' }).waitFor()
    const code = await rooms.getByLabel('Invite code', { exact: true }).inputValue()
    expect(code.length).toBeGreaterThan(64)
    await rooms.getByTestId('room-member-count').filter({ hasText: '(1)' }).waitFor()

    const bobPage = await openSection(bob, 'Rooms')
    const bobRooms = bobPage.getByRole('region', { name: 'Rooms' })
    await bobRooms.getByLabel('Invite code or room id').fill(code)
    await bobRooms.getByRole('button', { name: 'Join room' }).click()
    await bobRooms.getByRole('status').filter({ hasText: 'Joined Book club.' }).waitFor()

    // Alice's page hears the JOIN: two members, Bob (her friend) among them, with roles.
    await rooms.getByTestId('room-member-count').filter({ hasText: '(2)' }).waitFor()
    await rooms.getByTestId('room-member').filter({ hasText: 'owner' }).waitFor()
    await rooms
      .getByTestId('room-member')
      .filter({ hasText: /member$/ })
      .waitFor()

    const roomId = (await alice.api.rooms()).rooms[0].roomId
    await alice.api.sendRoomMessage(roomId, 'Chapter one for Friday')
    await bobRooms
      .getByTestId('room-last-message')
      .filter({ hasText: 'Chapter one for Friday' })
      .waitFor()
    // On a phone the panel still fits the screen.
    await alicePage.setViewportSize({ width: 390, height: 844 })
    const open = await rooms.getByRole('button', { name: 'Open Book club' }).boundingBox()
    expect(open).not.toBeNull()
    expect(open!.x + open!.width).toBeLessThanOrEqual(390)
    await Promise.all([alicePage.close(), bobPage.close()])
  })

  it('appears offline to a friend, exports the key, and names the phrase it can show the key phrase: the recovery phrase is not kept', async () => {
    const page = await openSection(alice, 'Settings')
    const settings = page.getByRole('region', { name: 'Settings' })

    const seenOffline = waitForEvent<{ data: { peerId: string; online: boolean } }>(
      bob.node,
      'presence:changed',
      {
        timeoutMs: 20_000,
        filter: ({ data }) => data.peerId === alice.node.peerId && !data.online,
      },
    )
    await settings.getByLabel('Appear offline').check()
    await settings
      .getByTestId('presence-status')
      .filter({ hasText: 'now see you offline' })
      .waitFor()
    await seenOffline
    expect(
      (await bob.api.friends()).friends.find((f) => f.peerId === alice.node.peerId)?.online,
    ).toBe(false)

    const exportForm = settings.getByRole('form', { name: 'Export your key' })
    await exportForm.getByLabel('Password').fill('wrong password 123')
    await exportForm.getByRole('button', { name: 'Export key file' }).click()
    await settings.getByRole('alert').filter({ hasText: 'Wrong password' }).waitFor()
    await exportForm.getByLabel('Password').fill(PASSWORD)
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      exportForm.getByRole('button', { name: 'Export key file' }).click(),
    ])
    expect(download.suggestedFilename()).toMatch(/^tokenim-\w{8}\.key$/)
    const keyFile = JSON.parse(await readFile((await download.path())!, 'utf8'))
    expect(keyFile.format).toBe('tokenim-keystore')
    expect(keyFile.publicKey).toBe((await alice.api.id()).publicKey)

    // alice's backup phrase is her recovery phrase, which the node never keeps: Settings says
    // so, and offers the key's own words only as the key phrase, never as the backup phrase.
    await settings.getByTestId('backup-phrase-not-kept').waitFor()
    expect(await settings.getByRole('form', { name: 'Show the backup phrase' }).count()).toBe(0)
    const phraseForm = settings.getByRole('form', { name: 'Show the key phrase' })
    await phraseForm.getByLabel('Password').fill(PASSWORD)
    await phraseForm.getByRole('button', { name: 'Show key phrase' }).click()
    // The node unseals the key first (a slow scrypt), so the list comes later.
    const phraseWords = settings.getByRole('list', { name: 'Key phrase' }).getByRole('listitem')
    await phraseWords.nth(23).waitFor({ timeout: LIVE_MS })
    const words = (await phraseWords.allTextContents()).join(' ')
    expect(await settings.getByRole('list', { name: 'Backup phrase' }).count()).toBe(0)
    // Not the phrase alice wrote down, but the same key: her phrase restores it too.
    expect(words).not.toBe(alice.backupPhrase)
    expect(identityFromBackupPhrase(words).publicKey).toEqual(
      identityFromBackupPhrase(alice.backupPhrase).publicKey,
    )
    await page.close()
  })

  it('shows the banner when the same identity starts on a second node', async () => {
    const carol = await network.person()
    const page = await browser.context.newPage()
    await openApp(page, carol)
    const stopped = waitForEvent(carol.node, 'stopped', { timeoutMs: 20_000 })
    await network.person(identityFromBackupPhrase(carol.backupPhrase))
    await page
      .getByRole('alert')
      // Its own banner; the node-stopped banner names the same reason after "Why:".
      .filter({ hasText: /^Signed in elsewhere\./ })
      .waitFor({ timeout: 20_000 })
    await stopped
    await page.close()
  })
})
