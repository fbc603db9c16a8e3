/**
 * The conversation list with 1,000 entries: the app, served by a real node, gets a list of
 * a thousand conversations (the node's answer to GET /v1/conversations replaced in the
 * browser, as a node with that many chats would send it), renders only the rows in view
 * while it scrolls from top to bottom, and shows the right ones. The frame times of that
 * scroll are printed, not asserted: they depend on the machine.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ConversationListItem, ConversationListResponse } from '../../protocol/local-api.ts'
import { CONVERSATION_API_PATHS } from '../../protocol/local-api.ts'
import { type Browser, launchChromium } from './chromium.ts'
import { createWebNetwork, openApp, type WebNetwork } from './web-network.ts'

const COUNT = 1_000
/** A screenful of 64 px rows in the 800 px window, the overscan either side, and slack. */
const MOST_ROWS = 40
/** Pixels scrolled per animation frame: a brisk fling. */
const SCROLL_STEP_PX = 160

function conversations(now: number): ConversationListItem[] {
  return Array.from({ length: COUNT }, (_, index) => ({
    kind: 'room',
    id: `room-${index + 1}`,
    name: `Conversation ${index + 1}`,
    unread: index % 7 === 0 ? 2 : 0,
    held: 0,
    lastMessageAt: now - index * 60_000,
    preview: { text: `Message number ${index + 1}`, mine: index % 2 === 0, sentAt: now },
  }))
}

interface ScrollRun {
  frames: number[]
  mostRows: number
}

describe('web client: a conversation list of 1,000 entries', () => {
  let network: WebNetwork
  let browser: Browser
  let page: Page

  beforeAll(async () => {
    ;[network, browser] = await Promise.all([createWebNetwork(), launchChromium()])
    const person = await network.person()
    page = await browser.context.newPage()
    const body: ConversationListResponse = { conversations: conversations(Date.now()) }
    await page.route(
      (url) => url.pathname === CONVERSATION_API_PATHS.list,
      (route) => route.fulfill({ json: body }),
    )
    await openApp(page, person)
  })
  afterAll(async () => {
    await browser?.close()
    await network?.close()
  })

  const list = () => page.getByRole('listbox', { name: 'Conversations' })
  const rows = () => list().getByRole('option')
  const row = (index: number) => list().locator(`[data-id="room-${index}"]`)

  it('renders a screenful of rows, not a thousand', async () => {
    await row(1).waitFor()
    expect(await row(1).textContent()).toContain('Message number 1')
    const rendered = await rows().count()
    expect(rendered).toBeGreaterThan(5)
    expect(rendered).toBeLessThan(MOST_ROWS)
    expect(await rows().first().getAttribute('aria-setsize')).toBe(String(COUNT))
  })

  it('scrolls to the end with the number of rows bounded, and shows the last ones', async () => {
    const run = await list().evaluate(
      (viewport, step) =>
        new Promise<ScrollRun>((resolve) => {
          const frames: number[] = []
          let mostRows = 0
          let last = performance.now()
          const frame = (now: number) => {
            frames.push(now - last)
            last = now
            mostRows = Math.max(mostRows, viewport.querySelectorAll('[role="option"]').length)
            const end = viewport.scrollHeight - viewport.clientHeight
            if (viewport.scrollTop >= end) {
              resolve({ frames: frames.slice(1), mostRows })
              return
            }
            viewport.scrollTop = Math.min(end, viewport.scrollTop + step)
            requestAnimationFrame(frame)
          }
          requestAnimationFrame(frame)
        }),
      SCROLL_STEP_PX,
    )
    expect(run.mostRows).toBeLessThan(MOST_ROWS)
    await row(COUNT).waitFor()
    expect(await row(COUNT).textContent()).toContain(`Conversation ${COUNT}`)
    expect(await row(1).count()).toBe(0)

    const sorted = [...run.frames].sort((a, b) => a - b)
    const at = (share: number) =>
      sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))]
    console.log(
      `conversation list, ${COUNT} entries, ${run.frames.length} frames scrolled: ` +
        `median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, ` +
        `max ${sorted[sorted.length - 1].toFixed(1)} ms per frame (60 Hz allows 16.7 ms); ` +
        `at most ${run.mostRows} rows in the page`,
    )
  })

  it('jumps to the middle and shows the rows there', async () => {
    await list().evaluate((viewport) => {
      const rowHeight = viewport.querySelector<HTMLElement>('[role="option"]')!.offsetHeight
      viewport.scrollTop = 500 * rowHeight
    })
    await row(501).waitFor()
    expect(await row(501).textContent()).toContain('Message number 501')
    expect(await row(COUNT).count()).toBe(0)
    expect(await rows().count()).toBeLessThan(MOST_ROWS)
  })
})
