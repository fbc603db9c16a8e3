/**
 * Two pages in a voice call, for the browser tests of calls: Chromium's fake microphone, the
 * page's RTCPeerConnections kept where the test reads their stats, and the steps of ringing.
 */
import type { Locator, Page } from 'playwright-core'
import { expect } from 'vitest'
import type { RelayConfigInput } from '../../relay/index.ts'
import {
  type ChatPages,
  type FriendsInBrowser,
  openChatPages,
  startFriendsInBrowser,
  type WebPerson,
} from './web-network.ts'

/** Chromium flags: a fake microphone that plays a tone, allowed without asking. */
export const FAKE_MEDIA = [
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
]

/**
 * An init script: every RTCPeerConnection the page makes is kept in `window.peerConnections`;
 * with `relayOnly`, it gathers relay candidates only (through TURN, never directly).
 */
export function recordPeerConnections({ relayOnly }: { relayOnly: boolean }): void {
  const Native = window.RTCPeerConnection
  const made: RTCPeerConnection[] = []
  ;(window as unknown as { peerConnections: RTCPeerConnection[] }).peerConnections = made
  window.RTCPeerConnection = class extends Native {
    constructor(config?: RTCConfiguration) {
      super(relayOnly ? { ...config, iceTransportPolicy: 'relay' } : config)
      made.push(this)
    }
  } as typeof RTCPeerConnection
}

/**
 * Stats of the page's latest peer connection: audio bytes and packets received, local
 * candidate types, its connection state.
 */
export function callStats(page: Page): Promise<{
  inboundBytes: number
  inboundPackets: number
  localTypes: string[]
  state: string
}> {
  return page.evaluate(async () => {
    const made = (window as unknown as { peerConnections: RTCPeerConnection[] }).peerConnections
    const pc = made.at(-1)
    const stats = {
      inboundBytes: -1,
      inboundPackets: -1,
      localTypes: [] as string[],
      state: String(pc?.connectionState),
    }
    ;(await pc?.getStats())?.forEach((report) => {
      if (report.type === 'inbound-rtp' && report.kind === 'audio') {
        stats.inboundBytes = report.bytesReceived
        stats.inboundPackets = report.packetsReceived
      }
      if (report.type === 'local-candidate') stats.localTypes.push(report.candidateType)
    })
    return stats
  })
}

export interface CandidatePair {
  local: { type: string; address: string }
  remote: { type: string; address: string }
}

/**
 * The candidate pairs of the page's latest peer connection: the one its transport selected
 * (null before ICE picks one) and every pair whose connectivity checks succeeded.
 */
export function candidatePairs(
  page: Page,
): Promise<{ selected: CandidatePair | null; succeeded: CandidatePair[] }> {
  return page.evaluate(async () => {
    const made = (window as unknown as { peerConnections: RTCPeerConnection[] }).peerConnections
    const reports = new Map<string, Record<string, unknown>>()
    ;(await made.at(-1)?.getStats())?.forEach((report) => {
      reports.set(report.id, report)
    })
    const candidate = (id: unknown) => {
      const report = reports.get(String(id))
      return { type: String(report?.candidateType), address: String(report?.address) }
    }
    const pair = (report: Record<string, unknown> | undefined) =>
      report == null
        ? null
        : { local: candidate(report.localCandidateId), remote: candidate(report.remoteCandidateId) }
    const all = [...reports.values()]
    const transport = all.find((report) => report.type === 'transport')
    return {
      selected: pair(reports.get(String(transport?.selectedCandidatePairId))),
      succeeded: all
        .filter((report) => report.type === 'candidate-pair' && report.state === 'succeeded')
        .map((report) => pair(report)!),
    }
  })
}

/** Waits until the page's call receives audio, and more of it a moment later. */
export async function expectAudioFlowing(page: Page, timeoutMs: number): Promise<void> {
  await page.bringToFront()
  const bytes = async () => (await callStats(page)).inboundBytes
  await expect.poll(bytes, { timeout: timeoutMs }).toBeGreaterThan(0)
  const before = await bytes()
  await expect.poll(bytes, { timeout: timeoutMs }).toBeGreaterThan(before + 1_000)
}

/** Alice calls from her open chat; resolves with bob's ringing screen. */
export async function ring(alicePage: Page, aliceChat: Locator, bobPage: Page): Promise<Locator> {
  await alicePage.bringToFront()
  await aliceChat.getByRole('button', { name: 'Call', exact: true }).click()
  await alicePage.getByTestId('call-bar').getByText('Calling').waitFor()
  await bobPage.bringToFront()
  const ringing = bobPage.getByRole('alertdialog', { name: 'Incoming call' })
  await ringing.waitFor()
  return ringing
}

export interface CallPages extends ChatPages {
  friends: FriendsInBrowser
}

/**
 * Alice and bob, friends, each with a page open on their chat (bob wrote first), in a
 * Chromium with the fake microphone; `relayOnly`: their calls go through TURN alone.
 */
export async function startCallPages(options: {
  relayOnly?: boolean
  relayConfig?: Partial<RelayConfigInput>
  timeoutMs: number
  /** Runs on each page before the app loads in it (init scripts, permissions). */
  prepare?: (page: Page, person: WebPerson) => Promise<void>
}): Promise<CallPages> {
  const friends = await startFriendsInBrowser(undefined, FAKE_MEDIA, options.relayConfig)
  try {
    await friends.browser.context.addInitScript(recordPeerConnections, {
      relayOnly: options.relayOnly === true,
    })
    const pages = await openChatPages(friends, {
      firstText: 'call me?',
      timeoutMs: options.timeoutMs,
      prepare: options.prepare,
    })
    return { friends, ...pages }
  } catch (err) {
    await friends.close()
    throw err
  }
}
