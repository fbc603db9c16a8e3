/**
 * Voice calls in the web client (doc/calls.md) against a bare WebRTC call in the same
 * Chromium: two real nodes of a loopback relay network in this process, alice's and bob's
 * pages open on their chat, Chromium's fake microphone. Each round alice calls, bob accepts as
 * soon as his page rings, both hear the other, then alice hangs up. Beside each round, the
 * bare call: two RTCPeerConnections in alice's page, the offer and answer handed over in
 * place, each sending the fake microphone's audio.
 *
 * - ring: alice's click on Call until bob's page shows the incoming call, against a text from
 *   alice's node until bob's page shows it (the same path through the two nodes and their
 *   sessions, without the microphone and the offer);
 * - set-up: bob's click on Accept until both pages receive audio, against the bare call from
 *   asking for the microphone until both connections receive audio;
 * - audio round trip: RTCP's round-trip time of alice's sent audio (remote-inbound-rtp) a few
 *   seconds into the call, against the same figure of the bare call.
 *
 *   npm run bench -- calls
 */
import type { Page } from 'playwright-core'
import { type CallPages, ring, startCallPages } from '../test/browser/call-pages.ts'
import type { Benchmark, BenchmarkFigure } from './measure.ts'
import { percentile } from './measure.ts'

const ROUNDS = Number(process.env.CALL_BENCH_ROUNDS ?? 5)
const WAIT_MS = 20_000

/** Resolves, in the page, with the wall-clock time its latest peer connection first receives audio. */
function firstAudio(page: Page): Promise<number> {
  return page.evaluate(async (timeoutMs) => {
    const made = (window as unknown as { peerConnections: RTCPeerConnection[] }).peerConnections
    const until = Date.now() + timeoutMs
    // The connection of this call: the page makes it once the call starts or is accepted
    // (earlier calls' connections, and the bare call's, are closed by then).
    while (made.at(-1) == null || made.at(-1)!.connectionState === 'closed') {
      if (Date.now() > until) throw new Error('no peer connection for the call')
      await new Promise((resolve) => setTimeout(resolve, 2))
    }
    for (;;) {
      let bytes = 0
      ;(await made.at(-1)!.getStats()).forEach((report) => {
        if (report.type === 'inbound-rtp' && report.kind === 'audio') bytes = report.bytesReceived
      })
      if (bytes > 0) return Date.now()
      if (Date.now() > until) throw new Error('no audio within the time allowed')
      await new Promise((resolve) => setTimeout(resolve, 2))
    }
  }, WAIT_MS)
}

/** RTCP's round-trip time (ms) of the audio the page's latest connection sends, once known. */
function audioRoundTrip(page: Page): Promise<number> {
  return page.evaluate((timeoutMs) => {
    const scope = window as unknown as InPage & { peerConnections: RTCPeerConnection[] }
    return scope.roundTripOf(scope.peerConnections.at(-1)!, timeoutMs)
  }, WAIT_MS)
}

/** Wall-clock time at which `selector` first matches in the page (a MutationObserver). */
function appears(page: Page, selector: string): Promise<number> {
  return page.evaluate(
    ({ selector, timeoutMs }) =>
      new Promise<number>((resolve, reject) => {
        if (document.querySelector(selector) != null)
          throw new Error(`${selector} is already there`)
        const timer = setTimeout(() => reject(new Error(`no ${selector}`)), timeoutMs)
        new MutationObserver((_, observer) => {
          if (document.querySelector(selector) == null) return
          observer.disconnect()
          clearTimeout(timer)
          resolve(Date.now())
        }).observe(document.body, { childList: true, subtree: true })
      }),
    { selector, timeoutMs: WAIT_MS },
  )
}

/**
 * In the page: the bare call, from asking for the microphone until both of two connections
 * receive audio, and its RTCP round trip. Defined in the page by an init script (below).
 */
interface BareCall {
  setupMs: number
  roundTripMs: number
}

/** What `installInPage` defines in every page. */
interface InPage {
  roundTripOf(pc: RTCPeerConnection, timeoutMs: number): Promise<number>
  bareCall(timeoutMs: number): Promise<BareCall>
}

/** Installs `roundTripOf` and `bareCall` in every page (they run in the browser). */
function installInPage(): void {
  const scope = window as unknown as InPage
  const pause = () => new Promise((resolve) => setTimeout(resolve, 2))
  scope.roundTripOf = async (pc, timeoutMs) => {
    const until = Date.now() + timeoutMs
    for (;;) {
      let rtt: number | undefined
      ;(await pc.getStats()).forEach((report) => {
        if (report.type === 'remote-inbound-rtp' && report.kind === 'audio') {
          rtt ??= report.roundTripTime
        }
      })
      if (rtt != null) return rtt * 1000
      if (Date.now() > until) throw new Error('no RTCP round trip within the time allowed')
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
  scope.bareCall = async (timeoutMs) => {
    const started = Date.now()
    const [a, b] = [new RTCPeerConnection(), new RTCPeerConnection()]
    try {
      a.onicecandidate = (event) => void (event.candidate && b.addIceCandidate(event.candidate))
      b.onicecandidate = (event) => void (event.candidate && a.addIceCandidate(event.candidate))
      for (const pc of [a, b]) {
        const stream = await navigator.mediaDevices.getUserMedia({ audio: true })
        for (const track of stream.getTracks()) pc.addTrack(track, stream)
      }
      await a.setLocalDescription(await a.createOffer())
      await b.setRemoteDescription(a.localDescription!)
      await b.setLocalDescription(await b.createAnswer())
      await a.setRemoteDescription(b.localDescription!)
      const until = started + timeoutMs
      const hears = async (pc: RTCPeerConnection) => {
        let bytes = 0
        ;(await pc.getStats()).forEach((report) => {
          if (report.type === 'inbound-rtp' && report.kind === 'audio') bytes = report.bytesReceived
        })
        return bytes > 0
      }
      while (!((await hears(a)) && (await hears(b)))) {
        if (Date.now() > until) throw new Error('the bare call received no audio')
        await pause()
      }
      const setupMs = Date.now() - started
      return { setupMs, roundTripMs: await scope.roundTripOf(a, timeoutMs) }
    } finally {
      a.close()
      b.close()
    }
  }
}

interface Round {
  ringMs: number
  textMs: number
  setupMs: number
  roundTripMs: number
  bare: BareCall
}

async function round(pages: CallPages, i: number): Promise<Round> {
  const { friends, alicePage, bobPage, aliceChat } = pages
  const { alice, bob } = friends
  // A text over the same path: alice's node to bob's page.
  const text = `before call ${i}`
  const shown = bobPage.evaluate(
    ({ text, timeoutMs }) =>
      new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the text never showed')), timeoutMs)
        new MutationObserver((_, observer) => {
          if (!document.body.innerText.includes(text)) return
          observer.disconnect()
          clearTimeout(timer)
          resolve(Date.now())
        }).observe(document.body, { childList: true, subtree: true, characterData: true })
      }),
    { text, timeoutMs: WAIT_MS },
  )
  const textSent = Date.now()
  await alice.api.sendMessage(bob.node.peerId, text)
  const textMs = (await shown) - textSent

  const rings = appears(bobPage, '[role="alertdialog"]')
  const called = Date.now()
  const ringing = await ring(alicePage, aliceChat, bobPage)
  const ringMs = (await rings) - called

  const heard = [firstAudio(alicePage), firstAudio(bobPage)]
  const accepted = Date.now()
  await ringing.getByRole('button', { name: 'Accept' }).click()
  const setupMs = Math.max(...(await Promise.all(heard))) - accepted
  await alicePage.bringToFront()
  const roundTripMs = await audioRoundTrip(alicePage)
  await alicePage.getByRole('button', { name: 'Hang up' }).click()
  await Promise.all(
    [alicePage, bobPage].map((page) =>
      page.getByTestId('call-bar').waitFor({ state: 'detached', timeout: WAIT_MS }),
    ),
  )
  const bare = await alicePage.evaluate(
    (timeoutMs) => (window as unknown as InPage).bareCall(timeoutMs),
    WAIT_MS,
  )
  return { ringMs, textMs, setupMs, roundTripMs, bare }
}

const benchmark: Benchmark = {
  name: 'calls',
  async run(): Promise<BenchmarkFigure[]> {
    const pages = await startCallPages({
      timeoutMs: WAIT_MS,
      prepare: async (page) => {
        await page.addInitScript(installInPage)
      },
    })
    try {
      const rounds: Round[] = []
      for (let i = 0; i < ROUNDS; i++) rounds.push(await round(pages, i))
      const median = (pick: (round: Round) => number) => percentile(rounds.map(pick), 50)
      const of = `median of ${ROUNDS}`
      return [
        {
          name: `ring: Call clicked -> bob's page rings, ${of}`,
          value: median((r) => r.ringMs),
          unit: 'ms',
          baseline: {
            name: "a text: alice's node -> shown on bob's page",
            value: median((r) => r.textMs),
          },
        },
        {
          name: `set-up: Accept clicked -> audio on both pages, ${of}`,
          value: median((r) => r.setupMs),
          unit: 'ms',
          baseline: {
            name: 'bare WebRTC call in one page: microphone asked -> audio on both ends',
            value: median((r) => r.bare.setupMs),
          },
        },
        {
          name: `audio round trip (RTCP), ${of}`,
          value: median((r) => r.roundTripMs),
          unit: 'ms',
          baseline: {
            name: 'bare WebRTC call, same figure',
            value: median((r) => r.bare.roundTripMs),
          },
        },
      ]
    } finally {
      await pages.friends.close()
    }
  },
}

export default benchmark
