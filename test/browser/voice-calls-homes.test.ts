/**
 * A voice call between two homes of the NAT lab (sim/lab/nat-lab.ts) through TURN
 * (doc/calls.md, "NAT"): the relay and Debian's coturn run on the lab's public host, the
 * relay's `turn:` names coturn's public address with a shared secret; alice and bob each sit
 * behind their own symmetric NAT (a new port per destination, nothing unsolicited let in), so
 * neither a host nor a server-reflexive candidate reaches the other home, and the audio has
 * no path but coturn. Their nodes (`tokenim start --web`) and their Chromiums (the fake
 * microphone) run inside their homes; each browser gets its TURN credentials from its node,
 * which asked its relay. Nothing forces relay candidates here: ICE finds that only they work.
 */
import { join } from 'node:path'
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { labSupported, NatLab } from '../../sim/lab/nat-lab.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { startTurnServer, type TurnServer } from '../helpers/turn-server.ts'
import {
  befriend,
  type LabPerson,
  type LabRelay,
  labPerson,
  startLabRelay,
  tearDownLab,
} from '../lab/lab-people.ts'
import {
  callStats,
  candidatePairs,
  expectAudioFlowing,
  FAKE_MEDIA,
  recordPeerConnections,
  ring,
} from './call-pages.ts'
import type { Browser } from './chromium.ts'
import { launchChromiumAt } from './lab-browser.ts'
import { openChat } from './web-network.ts'

const LIVE_MS = 30_000
const SECRET = 'a-turn-secret-for-the-lab-0123456789'
const FIRST_TEXT = 'call me from your home?'
/** Audio packets each page receives before the hang-up (50 a second). */
const LASTING_PACKETS = 400

const support = labSupported()
let lab: NatLab
let dir: Awaited<ReturnType<typeof makeTempDir>>
let turn: TurnServer
let relay: LabRelay
let alice: LabPerson
let bob: LabPerson
const browsers: Browser[] = []

/** `person`'s web client in a Chromium inside their home, open on their chat. */
async function openChatAtHome(person: LabPerson): Promise<{ page: Page; chat: Locator }> {
  const browser = await launchChromiumAt(person.host, FAKE_MEDIA)
  browsers.push(browser)
  await browser.context.addInitScript(recordPeerConnections, { relayOnly: false })
  const page = await browser.context.newPage()
  page.setDefaultTimeout(LIVE_MS)
  const { webUrl } = await person.json<{ webUrl: string }>(['api', 'token'])
  await page.goto(webUrl)
  await page.getByRole('navigation', { name: 'Sections' }).waitFor()
  const chat = await openChat(page)
  await chat.getByText(FIRST_TEXT).waitFor()
  return { page, chat }
}

let alicePage: Page
let bobPage: Page
let aliceChat: Locator

beforeAll(async () => {
  if (!support.ok) throw new Error(support.reason)
  dir = await makeTempDir('tokenim-lab-call-')
  lab = await NatLab.build({
    publicHosts: ['relay1'],
    homes: [
      { name: 'homea', nat: 'symmetric', hosts: ['alice'] },
      { name: 'homeb', nat: 'symmetric', hosts: ['bob'] },
    ],
  })
  turn = await startTurnServer(SECRET, { host: lab.host('relay1') })
  // The operator names the TURN server and its secret in relay.yaml, as doc/calls.md says.
  relay = await startLabRelay(lab.host('relay1'), join(dir.path, 'relay1'), (config) =>
    config.replace('turn:\n  urls: []', `turn:\n  secret: ${SECRET}\n  urls:\n    - ${turn.url}`),
  )
  ;[alice, bob] = await Promise.all(
    ['alice', 'bob'].map((name) => labPerson(name, lab.host(name), dir.path)),
  )
  await Promise.all([alice, bob].map((person) => person.start([relay.address], ['--web'])))
  await befriend(alice, bob, bob.publicKey)
  const arrived = alice.next('message:received', (m) => m.text === FIRST_TEXT)
  await bob.cli(['send', alice.peerId, FIRST_TEXT])
  await arrived
  const [aliceAtHome, bobAtHome] = await Promise.all([openChatAtHome(alice), openChatAtHome(bob)])
  ;({ page: alicePage, chat: aliceChat } = aliceAtHome)
  bobPage = bobAtHome.page
}, 180_000)

afterAll(async () => {
  for (const browser of browsers.splice(0)) await browser.close()
  await turn?.stop()
  await tearDownLab(lab, dir)
})

describe('a voice call between two homes behind symmetric NATs', () => {
  it('alice calls bob, each hears the other through coturn, and the hang-up ends both', async () => {
    const ringing = await ring(alicePage, aliceChat, bobPage)
    await ringing.getByRole('button', { name: 'Accept' }).click()
    await bobPage.getByTestId('call-timer').waitFor()
    for (const page of [alicePage, bobPage]) {
      await expectAudioFlowing(page, LIVE_MS)
      const { selected, succeeded } = await candidatePairs(page)
      // The audio goes through an allocation on coturn's public address...
      expect(selected).not.toBeNull()
      const ends = [selected!.local, selected!.remote]
      expect(
        ends.some((end) => end.type === 'relay' && end.address === lab.host('relay1').address),
      ).toBe(true)
      // ...because no pair without one answered its checks: the homes cannot reach each other.
      expect(succeeded.length).toBeGreaterThan(0)
      for (const pair of succeeded) {
        expect([pair.local.type, pair.remote.type]).toContain('relay')
      }
    }
    // The call lasts: 400 packets each way is 8 s of audio, past the seconds in which ICE
    // notices a pair that stopped answering (as when coturn dropped an allocation).
    for (const page of [alicePage, bobPage]) {
      await page.bringToFront()
      await expect
        .poll(async () => (await callStats(page)).inboundPackets, { timeout: LIVE_MS })
        .toBeGreaterThan(LASTING_PACKETS)
      expect((await callStats(page)).state).toBe('connected')
    }
    await alicePage.bringToFront()
    await alicePage.getByRole('button', { name: 'Hang up' }).click()
    await alicePage.getByTestId('call-bar').waitFor({ state: 'detached' })
    await bobPage.getByTestId('call-bar').waitFor({ state: 'detached' })
  }, 120_000)
})
