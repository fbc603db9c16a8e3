/**
 * What a browser test needs to watch the web client's notifications: every `new
 * Notification(...)` the page makes is recorded (the real constructor still runs), and
 * `document.visibilityState` follows `setHidden` as if the user switched tabs.
 */
import type { Page } from 'playwright-core'

export interface RecordedNotification {
  title: string
  body: string
  tag: string
  /** performance.timeOrigin + performance.now() when it was raised. */
  at: number
}

interface WatchedWindow {
  notifications: RecordedNotification[]
  pageHidden: boolean
}

/** Call before the page loads its first document. */
export async function watchNotifications(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const watched = window as unknown as WatchedWindow
    watched.notifications = []
    watched.pageHidden = false
    Object.defineProperty(Document.prototype, 'visibilityState', {
      configurable: true,
      get: () => (watched.pageHidden ? 'hidden' : 'visible'),
    })
    const Real = window.Notification
    window.Notification = class extends Real {
      constructor(title: string, options: NotificationOptions = {}) {
        super(title, options)
        watched.notifications.push({
          title,
          body: options.body ?? '',
          tag: options.tag ?? '',
          at: performance.timeOrigin + performance.now(),
        })
      }
    } as typeof Notification
  })
}

export async function setHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((value) => {
    ;(window as unknown as WatchedWindow).pageHidden = value
    document.dispatchEvent(new Event('visibilitychange'))
  }, hidden)
}

export function notificationsOf(page: Page): Promise<RecordedNotification[]> {
  return page.evaluate(() => (window as unknown as WatchedWindow).notifications)
}
