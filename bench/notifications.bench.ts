/**
 * Time from a message's arrival at the node (its `message:received` event) to the desktop
 * notification the web client raises for it in a hidden tab, beside the time to the
 * WebSocket frame that carries the event into the same page: the difference is the client's
 * own work (parsing, hooks, the Notification call). Two nodes of a relay network in this
 * process, Debian's Chromium, one message at a time.
 */
import { launchChromium } from '../test/browser/chromium.ts'
import {
  notificationsOf,
  setHidden,
  watchNotifications,
} from '../test/browser/page-notifications.ts'
import { befriend, createWebNetwork, openApp } from '../test/browser/web-network.ts'
import type { Benchmark } from './measure.ts'
import { percentile } from './measure.ts'

const MESSAGES = 30

interface FrameWindow {
  frames: number[]
}

const benchmark: Benchmark = {
  name: 'web notifications',
  async run() {
    const [network, browser] = await Promise.all([createWebNetwork(), launchChromium()])
    try {
      const [alice, bob] = await Promise.all([network.person(), network.person()])
      await befriend(alice, bob)
      await browser.context.grantPermissions(['notifications'], {
        origin: new URL(alice.webUrl).origin,
      })
      const page = await browser.context.newPage()
      await watchNotifications(page)
      await page.addInitScript(() => {
        localStorage.setItem(
          'tokenim.notifications',
          JSON.stringify({ desktop: true, sound: false }),
        )
        // Arrival of each event frame that carries a received message.
        const watched = window as unknown as FrameWindow
        watched.frames = []
        const Real = window.WebSocket
        window.WebSocket = class extends Real {
          constructor(url: string | URL, protocols?: string | string[]) {
            super(url, protocols)
            this.addEventListener('message', (event) => {
              if (String(event.data).includes('"message:received"')) {
                watched.frames.push(performance.timeOrigin + performance.now())
              }
            })
          }
        } as typeof WebSocket
      })
      await openApp(page, alice)
      await setHidden(page, true)

      const arrivals: number[] = []
      alice.node.addEventListener('message:received', () =>
        arrivals.push(performance.timeOrigin + performance.now()),
      )
      for (let i = 0; i < MESSAGES; i++) {
        await bob.api.sendMessage(alice.node.peerId, `message ${i}`)
        await page.waitForFunction(
          (count) =>
            (window as unknown as { notifications: unknown[] }).notifications.length > count,
          i,
          { timeout: 20_000 },
        )
      }
      const notified = (await notificationsOf(page)).map((n) => n.at)
      const frames = await page.evaluate(() => (window as unknown as FrameWindow).frames)
      const toNotification = arrivals.map((at, i) => notified[i] - at)
      const toFrame = arrivals.map((at, i) => frames[i] - at)
      return [
        {
          name: `message at the node -> notification in a hidden tab, median of ${MESSAGES}`,
          value: percentile(toNotification, 50),
          unit: 'ms',
          baseline: {
            name: 'message at the node -> its WebSocket event in the page',
            value: percentile(toFrame, 50),
          },
        },
        {
          name: `same, p95 of ${MESSAGES}`,
          value: percentile(toNotification, 95),
          unit: 'ms',
          baseline: { name: 'WebSocket event, p95', value: percentile(toFrame, 95) },
        },
      ]
    } finally {
      await browser.close()
      await network.close()
    }
  },
}

export default benchmark
