/**
 * A voice call through TURN alone (doc/calls.md, "NAT"): the relay's config names a coturn
 * server (Debian's `turnserver` on loopback, with a shared secret), each node's browser gets
 * TURN credentials of its own from its relay, and both pages are made to gather relay
 * candidates only (no direct path, as between homes behind symmetric NATs). The call
 * connects and each side receives audio, so coturn accepted the credentials the relay made.
 */
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTurnServer, type TurnServer } from '../helpers/turn-server.ts'
import { callStats, expectAudioFlowing, ring, startCallPages } from './call-pages.ts'
import type { FriendsInBrowser } from './web-network.ts'

const LIVE_MS = 20_000
const SECRET = 'a-turn-secret-for-tests-0123456789'

describe('web client: a voice call through TURN', () => {
  let turn: TurnServer
  let friends: FriendsInBrowser
  let alicePage: Page
  let bobPage: Page
  let aliceChat: Locator

  beforeAll(async () => {
    turn = await startTurnServer(SECRET)
    ;({ friends, alicePage, bobPage, aliceChat } = await startCallPages({
      relayOnly: true,
      relayConfig: { turn: { urls: [turn.url], secret: SECRET } },
      timeoutMs: LIVE_MS,
    }))
  }, 120_000)
  afterAll(async () => {
    await friends?.close()
    await turn?.stop()
  })

  it('alice and bob hear each other through the TURN server their relay named', async () => {
    const ringing = await ring(alicePage, aliceChat, bobPage)
    await ringing.getByRole('button', { name: 'Accept' }).click()
    await bobPage.getByTestId('call-timer').waitFor()
    for (const page of [alicePage, bobPage]) {
      await expectAudioFlowing(page, LIVE_MS)
      const { localTypes } = await callStats(page)
      expect(localTypes.length).toBeGreaterThan(0)
      expect(new Set(localTypes)).toEqual(new Set(['relay']))
    }
    await alicePage.bringToFront()
    await alicePage.getByRole('button', { name: 'Hang up' }).click()
    await bobPage.getByTestId('call-bar').waitFor({ state: 'detached' })
  })
})
