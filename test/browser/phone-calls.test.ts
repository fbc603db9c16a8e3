/**
 * Voice calls on a phone (360×740) between two pages of Debian's Chromium with the fake
 * microphone on real nodes: alice calls from her chat, bob is on his chat list when it rings;
 * the ringing screen's Accept and Decline, then each side's in-call bar (Mute, Hang up) are on
 * screen, not covered by the list or anything else, high enough for a thumb, and axe finds no
 * serious violation; the bar stays in reach when alice goes Back to her list; bob hangs up
 * from his list and the call ends on both pages.
 */
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seriousViolations } from './axe-check.ts'
import { ring, startCallPages } from './call-pages.ts'
import { PHONE, smallTargets, uncovered } from './phone-checks.ts'
import type { FriendsInBrowser } from './web-network.ts'

const LIVE_MS = 20_000

/** What keeps `buttons` of `scope` from being used on the phone, one line each (none: []). */
async function unusable(page: Page, scope: Locator, buttons: string[]): Promise<string[]> {
  const problems: string[] = []
  for (const name of buttons) {
    const where = await uncovered(scope.getByRole('button', { name, exact: true }))
    if (where !== 'ok') problems.push(`${name}: ${where}`)
  }
  problems.push(...(await smallTargets(scope)), ...(await seriousViolations(page)))
  return problems
}

describe('web client: voice calls on a phone', () => {
  let friends: FriendsInBrowser
  let alicePage: Page
  let bobPage: Page
  let aliceChat: Locator
  let bobChat: Locator

  beforeAll(async () => {
    ;({ friends, alicePage, bobPage, aliceChat, bobChat } = await startCallPages({
      timeoutMs: LIVE_MS,
      prepare: (page) => page.setViewportSize(PHONE),
    }))
  }, 120_000)
  afterAll(() => friends?.close())

  it('ring, accept and hang up with the call screens in sight and in reach', async () => {
    // Bob is on his list, not in the chat, when alice calls.
    await bobChat.getByRole('button', { name: 'Back' }).click()
    expect(await uncovered(aliceChat.getByRole('button', { name: 'Call', exact: true }))).toBe('ok')
    const ringing = await ring(alicePage, aliceChat, bobPage)
    expect(await unusable(bobPage, ringing, ['Accept', 'Decline'])).toEqual([])

    await ringing.getByRole('button', { name: 'Accept' }).click()
    const bobBar = bobPage.getByTestId('call-bar')
    await bobBar.getByTestId('call-timer').waitFor()
    expect(await unusable(bobPage, bobBar, ['Mute', 'Hang up'])).toEqual([])

    await alicePage.bringToFront()
    const aliceBar = alicePage.getByTestId('call-bar')
    await aliceBar.getByTestId('call-timer').waitFor()
    expect(await unusable(alicePage, aliceBar, ['Mute', 'Hang up'])).toEqual([])
    // Back to her list: the call's bar stays in sight.
    await aliceChat.getByRole('button', { name: 'Back' }).click()
    expect(await unusable(alicePage, aliceBar, ['Mute', 'Hang up'])).toEqual([])

    await bobPage.bringToFront()
    await bobBar.getByRole('button', { name: 'Hang up' }).click()
    await bobBar.waitFor({ state: 'detached' })
    await aliceBar.waitFor({ state: 'detached' })
  })
})
