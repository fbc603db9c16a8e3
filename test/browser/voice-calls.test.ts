/**
 * Voice calls between two pages of Debian's Chromium on two real nodes (doc/calls.md), with
 * Chromium's fake microphone: alice calls bob from their chat, bob's page rings and he
 * accepts, and each page's RTCPeerConnection receives audio (its inbound-rtp bytes grow, read
 * with getStats); alice hangs up and the call ends on both pages, each chat showing the
 * call's line. Then a declined call and a missed one (alice hangs up while it rings) leave
 * their lines on both sides. axe finds no serious violation on the ringing and in-call screens.
 */
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seriousViolations } from './axe-check.ts'
import { type FriendsInBrowser, openApp, openChat, startFriendsInBrowser } from './web-network.ts'

const LIVE_MS = 20_000
const FAKE_MEDIA = [
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
]

/** Every RTCPeerConnection a page makes, kept where the test can read its stats. */
function recordPeerConnections(): void {
  const Native = window.RTCPeerConnection
  const made: RTCPeerConnection[] = []
  ;(window as unknown as { peerConnections: RTCPeerConnection[] }).peerConnections = made
  window.RTCPeerConnection = class extends Native {
    constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
      super(...args)
      made.push(this)
    }
  } as typeof RTCPeerConnection
}

/** Audio bytes the page's latest peer connection has received (inbound-rtp), or -1. */
function inboundAudioBytes(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const made = (window as unknown as { peerConnections: RTCPeerConnection[] }).peerConnections
    const pc = made.at(-1)
    if (pc == null) return -1
    let bytes = -1
    ;(await pc.getStats()).forEach((report) => {
      if (report.type === 'inbound-rtp' && report.kind === 'audio') bytes = report.bytesReceived
    })
    return bytes
  })
}

describe('web client: voice calls', () => {
  let friends: FriendsInBrowser
  let alicePage: Page
  let bobPage: Page
  let aliceChat: Locator
  let bobChat: Locator

  beforeAll(async () => {
    friends = await startFriendsInBrowser(undefined, FAKE_MEDIA)
    const { browser, alice, bob } = friends
    await browser.context.addInitScript(recordPeerConnections)
    await bob.api.sendMessage(alice.node.peerId, 'call me?')
    alicePage = await browser.context.newPage()
    bobPage = await browser.context.newPage()
    for (const page of [alicePage, bobPage]) page.setDefaultTimeout(LIVE_MS)
    await openApp(alicePage, alice)
    await openApp(bobPage, bob)
    aliceChat = await openChat(alicePage)
    bobChat = await openChat(bobPage)
    await aliceChat.getByText('call me?').waitFor()
    await bobChat.getByText('call me?').waitFor()
  }, 120_000)
  afterAll(() => friends?.close())

  /** Alice calls bob from their chat; bob's page rings. */
  async function aliceCalls(): Promise<Locator> {
    await alicePage.bringToFront()
    await aliceChat.getByRole('button', { name: 'Call', exact: true }).click()
    await alicePage.getByTestId('call-bar').getByText('Calling').waitFor()
    await bobPage.bringToFront()
    const ringing = bobPage.getByRole('alertdialog', { name: 'Incoming call' })
    await ringing.waitFor()
    return ringing
  }

  it('alice calls, bob accepts, both hear the other, and a hang-up ends it on both pages', async () => {
    const ringing = await aliceCalls()
    expect(await seriousViolations(bobPage)).toEqual([])
    await ringing.getByRole('button', { name: 'Accept' }).click()
    await bobPage.getByTestId('call-timer').waitFor()
    await alicePage.getByTestId('call-timer').waitFor()
    expect(await seriousViolations(bobPage)).toEqual([])

    // Audio flows both ways: each side's received bytes are there and keep growing.
    for (const page of [alicePage, bobPage]) {
      await page.bringToFront()
      await expect.poll(() => inboundAudioBytes(page), { timeout: LIVE_MS }).toBeGreaterThan(0)
      const before = await inboundAudioBytes(page)
      await expect
        .poll(() => inboundAudioBytes(page), { timeout: LIVE_MS })
        .toBeGreaterThan(before + 1_000)
    }

    await alicePage.bringToFront()
    await alicePage.getByRole('button', { name: 'Hang up' }).click()
    await alicePage.getByTestId('call-bar').waitFor({ state: 'detached' })
    await bobPage.getByTestId('call-bar').waitFor({ state: 'detached' })
    for (const chat of [aliceChat, bobChat]) {
      await chat
        .locator('[data-testid="call-line"][data-outcome="answered"]')
        .getByText(/Call, 0:\d\d/)
        .waitFor()
    }
  })

  it('a declined call and a missed one leave their lines on both sides', async () => {
    const ringing = await aliceCalls()
    await ringing.getByRole('button', { name: 'Decline' }).click()
    await alicePage.getByTestId('call-bar').waitFor({ state: 'detached' })
    await aliceChat.locator('[data-outcome="declined"]').getByText('Call declined').waitFor()
    await bobChat.locator('[data-outcome="declined"]').getByText('Call declined').waitFor()

    await aliceCalls()
    await alicePage.bringToFront()
    await alicePage.getByRole('button', { name: 'Hang up' }).click()
    await bobPage.getByRole('alertdialog', { name: 'Incoming call' }).waitFor({ state: 'detached' })
    await aliceChat.locator('[data-outcome="cancelled"]').getByText('Call cancelled').waitFor()
    await bobChat.locator('[data-outcome="missed"]').getByText('Missed call').waitFor()
  })
})
