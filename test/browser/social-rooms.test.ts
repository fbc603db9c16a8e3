/**
 * Rooms and presence in the web client against real processes on loopback (one relay, two
 * nodes started with `tokenim start --web`): the identities are created in the browser and
 * the two become friends through their local APIs (social.test.ts covers doing that in the
 * pages); then one creates a room, the other joins it by invite, both chat in it, and a
 * friend shows offline, and reached by mailbox only, once the friend's node stops; with the
 * relay gone too, a text to that friend stays queued and says why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LocalApiClient } from '../../client/api-client.ts'
import { stopWebNode } from './node-process.ts'
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
import { expectAttribute, expectText } from './ui-expect.ts'

/** How long a mailbox deposit with nobody left to answer may take to give up. */
const DEPOSIT_GIVES_UP_MS = 75_000

describe('web client: rooms and presence between two real nodes', () => {
  let network: ProcessNetwork
  let alice: Person
  let bob: Person

  beforeAll(async () => {
    network = await startProcessNetwork(['alice', 'bob'])
    ;[alice, bob] = network.people
    await Promise.all(
      [alice, bob].map(async (person) => {
        await createIdentity(person.page)
        await registerFromPrompt(person)
      }),
    )
    const [aliceApi, bobApi] = await Promise.all(
      [alice, bob].map((person) => LocalApiClient.forDataDir(person.dataDir)),
    )
    await aliceApi.addFriend('bob')
    await bob.page.getByTestId('requests-badge').waitFor()
    await bobApi.acceptFriend((await aliceApi.id()).peerId)
    await alice.page.getByRole('button', { name: 'Contacts' }).click()
    await alice.page
      .getByTestId('friend')
      .filter({ hasText: 'bob' })
      .locator('[data-testid="presence"][data-online="true"]')
      .waitFor({ state: 'attached' })
  })
  afterAll(() => network?.close())

  it('creates a room, the friend joins it by invite, and both chat in it', async () => {
    await alice.page.getByRole('button', { name: 'Rooms' }).click()
    const rooms = alice.page.getByRole('region', { name: 'Rooms' })
    await rooms.getByLabel("New room's name").fill('Book club')
    await rooms.getByRole('button', { name: 'Create room' }).click()
    const code = await rooms.getByLabel('Invite code', { exact: true }).inputValue()

    await bob.page.getByRole('button', { name: 'Rooms' }).click()
    const bobRooms = bob.page.getByRole('region', { name: 'Rooms' })
    await bobRooms.getByLabel('Invite code or room id').fill(code)
    await bobRooms.getByRole('button', { name: 'Join room' }).click()
    await bobRooms.getByRole('button', { name: 'Open Book club' }).click()
    await bob.page.getByTestId('chat').getByRole('heading', { name: 'Book club' }).waitFor()

    // Alice opens the room from her conversation list.
    await alice.page.getByRole('button', { name: 'Chats' }).click()
    await alice.page.getByTestId('conversation').filter({ hasText: 'Book club' }).click()
    const composer = alice.page.getByLabel('Message', { exact: true })
    await composer.fill('Chapter one for Friday')
    await composer.press('Enter')
    await bob.page
      .getByTestId('message')
      .filter({ hasText: 'Chapter one for Friday' })
      .waitFor({ timeout: LIVE_MS })
    const reply = bob.page.getByLabel('Message', { exact: true })
    await reply.fill('Reading it tonight')
    await reply.press('Enter')
    const answer = alice.page.getByTestId('message').filter({ hasText: 'Reading it tonight' })
    await answer.waitFor({ timeout: LIVE_MS })
    expect(await answer.locator('.message-author').textContent()).toBe('bob from the club')
    await saveScreenshot(alice.page, 'room-chat')
  })

  it("shows a friend offline once the friend's node stops", async () => {
    await alice.page.getByRole('button', { name: 'Contacts' }).click()
    const friend = alice.page.getByTestId('friend').filter({ hasText: 'bob' })
    expect(await friend.getByTestId('presence').getAttribute('data-online')).toBe('true')
    await stopWebNode(bob.dataDir, bob.node)
    await expectAttribute(friend.getByTestId('presence'), 'data-online', 'false', LIVE_MS)
    // With no connection left, the row says where messages go now.
    await expectText(
      friend.getByTestId('reach'),
      'no connection — messages wait in the mailbox',
      LIVE_MS,
    )
  })

  it(
    'says why a text to that friend waits once no relay answers either',
    async () => {
      network.relay.stop()
      await openBobsChat(alice.page)
      await expectText(
        alice.page.getByTestId('chat-reach'),
        'no connection — messages wait in the mailbox',
        LIVE_MS,
      )
      const composer = alice.page.getByLabel('Message', { exact: true })
      await composer.fill('Are you there?')
      await composer.press('Enter')
      const sent = alice.page.getByTestId('message').filter({ hasText: 'Are you there?' })
      // No holder confirms the mailbox deposit: the text stays queued, and says why. The
      // deposit gives up only once its dials have timed out: a stopped node's QUIC address
      // refuses nothing (UDP), so each dial waits out the handshake deadline (about 35 s in
      // all here, as on a real network where nothing answers either).
      await expectText(
        sent.getByTestId('queued-reason'),
        /^No connection and no relay reachable/,
        DEPOSIT_GIVES_UP_MS,
      )
      expect(await sent.getByTestId('delivery').getAttribute('data-state')).toBe('queued')
      expect(await sent.getByTestId('delivery').getAttribute('title')).toMatch(
        /^Queued on your node: no connection to the recipient/,
      )
    },
    2 * DEPOSIT_GIVES_UP_MS,
  )
})
