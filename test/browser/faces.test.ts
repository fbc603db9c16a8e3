/**
 * Names and faces in the web client, between two real nodes: bob sets a display name and a
 * picture in Settings (the browser makes it 96 px), in its one display-name field, which the
 * directory profile of his username follows (what people who search for him see); alice's chat list, chat header, contacts
 * and room member list show his name and his picture, and the room names her "You", online,
 * with bob's presence the same as in her 1:1 view; carol, no friend of alice's, joins the room
 * and shows there by the name and picture her profile carries, on her message and in the
 * member list. axe finds no serious violation there.
 */
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { solidPng } from '../helpers/avatar-images.ts'
import { seriousViolations } from './axe-check.ts'
import { type FriendsInBrowser, openChatPages, startFriendsInBrowser } from './web-network.ts'

const LIVE_MS = 20_000
const BOB = 'Bob Wang 王'
const CAROL = 'Carol Li 李'

/** The image's pixel size as the page decoded it. */
function decodedSize(avatar: Locator): Promise<[number, number]> {
  return avatar.evaluate((img) => [
    (img as HTMLImageElement).naturalWidth,
    (img as HTMLImageElement).naturalHeight,
  ])
}

describe('web client: names and faces', () => {
  let friends: FriendsInBrowser
  let alicePage: Page
  let bobPage: Page
  let aliceChat: Locator

  beforeAll(async () => {
    friends = await startFriendsInBrowser()
    ;({ alicePage, bobPage, aliceChat } = await openChatPages(friends, {
      firstText: 'here is my new picture',
      timeoutMs: LIVE_MS,
    }))
  }, 120_000)
  afterAll(() => friends?.close())

  it("bob's name and picture, set in his Settings, show on alice's screens", async () => {
    const bobName = await friends.bob.api.registerName({ name: 'bob' })
    // A field only the CLI sets: the web client's saves keep it.
    await friends.bob.api.setProfile({ email: 'bob@example.org' })
    await bobPage.bringToFront()
    await bobPage
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('button', { name: 'Settings' })
      .click()
    const face = bobPage.getByRole('form', { name: 'Your name and picture' })
    await face.getByLabel('Display name').fill(BOB)
    // A 300×200 picture: the browser crops and shrinks it to 96×96 before it leaves.
    await face.getByLabel('Choose a picture…').setInputFiles({
      name: 'me.png',
      mimeType: 'image/png',
      buffer: Buffer.from(solidPng(300, 200, [20, 140, 90])),
    })
    await face.getByTestId('avatar').waitFor()
    await face.getByRole('button', { name: 'Save name and picture' }).click()
    await bobPage.getByTestId('face-status').getByText('Saved').waitFor()
    expect((await friends.bob.api.ownProfile()).profile).toMatchObject({ displayName: BOB })
    // The directory profile of his username follows the one display name.
    expect((await friends.bob.api.lookupName(bobName.scopedName)).profile?.displayName).toBe(BOB)
    // One display name in Settings; the search profile names it and keeps only "About you".
    const settings = bobPage.getByRole('region', { name: 'Settings' })
    expect(await settings.getByLabel('Display name', { exact: true }).count()).toBe(1)
    const search = settings.getByRole('form', { name: 'What people who search for you see' })
    await search.getByText('People who look up your username').waitFor()
    expect(await search.getByRole('textbox').count()).toBe(1)
    await search.getByLabel('About you').fill('likes tea')
    await search.getByRole('button', { name: 'Save profile' }).click()
    await bobPage.getByTestId('profile-status').getByText('Profile published').waitFor()
    // Whoever searches for bob's username finds the same name, and his line.
    expect((await friends.bob.api.lookupName(bobName.scopedName)).profile).toMatchObject({
      displayName: BOB,
      bio: 'likes tea',
      email: 'bob@example.org',
    })

    await alicePage.bringToFront()
    // The chat list: his display name and his picture.
    const row = alicePage.getByTestId('conversation').filter({ hasText: BOB })
    await row.waitFor({ timeout: LIVE_MS })
    const listAvatar = row.getByTestId('avatar')
    expect(await listAvatar.getAttribute('src')).toMatch(/^data:image\/(webp|png|jpeg);base64,/)
    expect(await decodedSize(listAvatar)).toEqual([96, 96])
    // The open chat's header.
    await expect
      .poll(() => aliceChat.getByRole('heading', { level: 2 }).textContent(), {
        timeout: LIVE_MS,
      })
      .toBe(BOB)
    await aliceChat.locator('.chat-header').getByTestId('avatar').waitFor()
    // Contacts.
    await alicePage.getByRole('button', { name: 'Contacts' }).click()
    const friend = alicePage.getByTestId('friend').filter({ hasText: BOB })
    await friend.getByTestId('avatar').waitFor()
    expect(await seriousViolations(alicePage)).toEqual([])
  })

  it('a room lists alice as "You", online, and bob by name and face with the same presence', async () => {
    const { alice, bob } = friends
    const created = await alice.api.createRoom({ name: 'Faces club' })
    await bob.api.joinRoom({ room: created.invite })
    await alicePage.getByRole('button', { name: 'Rooms' }).click()
    const rooms = alicePage.getByRole('region', { name: 'Rooms' })
    await rooms
      .getByTestId('room')
      .filter({ hasText: 'Faces club' })
      .locator('.person-open')
      .click()
    const members = alicePage.getByTestId('room-member')
    await expect.poll(() => members.count(), { timeout: LIVE_MS }).toBe(2)
    const me = members.filter({ hasText: 'You' })
    expect(await me.getByTestId('presence').getAttribute('data-online')).toBe('true')
    const bobMember = members.filter({ hasText: BOB })
    await bobMember.getByTestId('avatar').waitFor()
    // The same truth as the 1:1 view: bob is online there, and here.
    expect(await bobMember.getByTestId('presence').getAttribute('data-online')).toBe('true')
    expect(await seriousViolations(alicePage)).toEqual([])

    // His room messages carry his name and face.
    await bob.api.sendRoomMessage(created.roomId, 'hello faces')
    await alicePage.getByRole('button', { name: 'Chats' }).click()
    await alicePage.getByTestId('conversation').filter({ hasText: 'Faces club' }).click()
    const message = alicePage.getByTestId('message').filter({ hasText: 'hello faces' })
    await message.waitFor({ timeout: LIVE_MS })
    expect(await message.getByTestId('message-author').textContent()).toBe(BOB)
    await message.getByTestId('avatar').waitFor()

    // Carol is no friend of alice's: her name and face reach alice through the room.
    const carol = await friends.network.person()
    const carolAvatar = `data:image/png;base64,${Buffer.from(solidPng(40, 40, [200, 120, 20])).toString('base64')}`
    await carol.api.setOwnProfile({ displayName: CAROL, avatar: carolAvatar })
    await carol.api.joinRoom({ room: created.invite })
    await carol.api.sendRoomMessage(created.roomId, 'hi, I am new here')
    const carolMessage = alicePage.getByTestId('message').filter({ hasText: 'hi, I am new here' })
    await carolMessage.waitFor({ timeout: LIVE_MS })
    // Her profile may come after her post: wait for the author line to name her.
    const author = carolMessage.getByTestId('message-author')
    await author.filter({ hasText: CAROL }).waitFor({ timeout: LIVE_MS })
    expect(await author.textContent()).toBe(CAROL)
    expect(await carolMessage.getByTestId('avatar').getAttribute('src')).toBe(carolAvatar)
    await alicePage.getByRole('button', { name: 'Rooms' }).click()
    await rooms
      .getByTestId('room')
      .filter({ hasText: 'Faces club' })
      .locator('.person-open')
      .click()
    const carolMember = members.filter({ hasText: CAROL })
    await carolMember.getByTestId('avatar').waitFor({ timeout: LIVE_MS })
    expect(await carolMember.getByTestId('avatar').getAttribute('src')).toBe(carolAvatar)
  })
})
