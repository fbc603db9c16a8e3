/**
 * Voice calls between two pages of Debian's Chromium on two real nodes (doc/calls.md), with
 * Chromium's fake microphone: alice calls bob from their chat, bob's page rings (again after
 * a reload, aloud) and he accepts, and each page's RTCPeerConnection receives audio (its inbound-rtp bytes grow, read
 * with getStats); alice hangs up and the call ends on both pages, each chat showing the
 * call's line. Then a declined call and a missed one (alice hangs up while it rings) leave
 * their lines on both sides, and bob, looking at another tab, is notified of the ringing call
 * and then of the missed one. axe finds no serious violation on the ringing and in-call
 * screens.
 */
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seriousViolations } from './axe-check.ts'
import { expectAudioFlowing, ring, startCallPages } from './call-pages.ts'
import { notificationsOf, setHidden, watchNotifications } from './page-notifications.ts'
import { type FriendsInBrowser, openChat } from './web-network.ts'

const LIVE_MS = 20_000

describe('web client: voice calls', () => {
  let friends: FriendsInBrowser
  let alicePage: Page
  let bobPage: Page
  let aliceChat: Locator
  let bobChat: Locator

  beforeAll(async () => {
    ;({ friends, alicePage, bobPage, aliceChat, bobChat } = await startCallPages({
      timeoutMs: LIVE_MS,
      prepare: async (page, person) => {
        await page.context().grantPermissions(['notifications'], {
          origin: new URL(person.webUrl).origin,
        })
        // Desktop notifications and sounds on, as Settings turns them on; tones counted.
        await page.addInitScript(() => {
          localStorage.setItem('tokenim.notifications', '{"desktop":true,"sound":true}')
          const counted = window as unknown as { tones: number }
          counted.tones = 0
          const create = AudioContext.prototype.createOscillator
          AudioContext.prototype.createOscillator = function (this: AudioContext) {
            counted.tones++
            return create.call(this)
          }
        })
        await watchNotifications(page)
      },
    }))
  }, 120_000)
  afterAll(() => friends?.close())

  const aliceCalls = () => ring(alicePage, aliceChat, bobPage)

  it('alice calls, bob accepts, both hear the other, and a hang-up ends it on both pages', async () => {
    await aliceCalls()
    expect(await seriousViolations(bobPage)).toEqual([])
    // Bob's page reloads while it rings: the call rings there again, and he accepts it.
    await bobPage.reload()
    const ringing = bobPage.getByRole('alertdialog', { name: 'Incoming call' })
    await ringing.waitFor()
    // It rings aloud: sounds are on.
    const tones = () => bobPage.evaluate(() => (window as unknown as { tones: number }).tones)
    await expect.poll(tones).toBeGreaterThan(0)
    await ringing.getByRole('button', { name: 'Accept' }).click()
    await bobPage.getByTestId('call-timer').waitFor()
    await openChat(bobPage)
    await alicePage.getByTestId('call-timer').waitFor()
    expect(await seriousViolations(bobPage)).toEqual([])

    // Audio flows both ways: each side's received bytes are there and keep growing.
    for (const page of [alicePage, bobPage]) await expectAudioFlowing(page, LIVE_MS)

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

    await setHidden(bobPage, true)
    await aliceCalls()
    await alicePage.bringToFront()
    await alicePage.getByRole('button', { name: 'Hang up' }).click()
    await bobPage.getByRole('alertdialog', { name: 'Incoming call' }).waitFor({ state: 'detached' })
    await aliceChat.locator('[data-outcome="cancelled"]').getByText('Call cancelled').waitFor()
    await bobChat.locator('[data-outcome="missed"]').getByText('Missed call').waitFor()
    const titles = async () => (await notificationsOf(bobPage)).map((shown) => shown.title)
    await expect.poll(titles).toEqual(['Incoming call', 'Missed call'])
  })
})
