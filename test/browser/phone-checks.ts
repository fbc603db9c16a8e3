/**
 * Checks of the web client at a phone's size, for the browser tests of phone layouts: what
 * sticks out past the width or fails axe, whether an element is on screen and not covered,
 * which controls are too low for a thumb.
 */
import type { Locator, Page } from 'playwright-core'
import { seriousViolations } from './axe-check.ts'

/** A small phone. */
export const PHONE = { width: 360, height: 740 }
/** The smallest control a thumb hits reliably. */
const TOUCH_MIN_PX = 40

/** What is wrong with the page's layout as it is now, one line each (none: []). */
export async function layoutProblems(page: Page, screen: string): Promise<string[]> {
  const widths = await page.evaluate(() => ({
    scroll: document.scrollingElement?.scrollWidth ?? 0,
    inner: window.innerWidth,
    // What sticks out, to name in the failure.
    wide: Array.from(document.querySelectorAll('body *'))
      .filter((element) => element.getBoundingClientRect().right > window.innerWidth)
      .slice(0, 4)
      .map((element) => `${element.tagName.toLowerCase()}.${element.className}`)
      .join(', '),
  }))
  const problems =
    widths.scroll > widths.inner ? [`${screen}: ${widths.scroll} px wide (${widths.wide})`] : []
  return [...problems, ...(await seriousViolations(page)).map((v) => `${screen}: ${v}`)]
}

/** Whether the element is on screen and the topmost thing at its centre ('ok'), or why not. */
export function uncovered(locator: Locator): Promise<string> {
  return locator.evaluate((element) => {
    const box = element.getBoundingClientRect()
    const x = box.left + box.width / 2
    const y = box.top + box.height / 2
    if (box.width === 0 || x < 0 || y < 0 || x > innerWidth || y > innerHeight) {
      return `centre (${Math.round(x)}, ${Math.round(y)}) off screen`
    }
    const hit = document.elementFromPoint(x, y)
    if (hit != null && (hit === element || element.contains(hit))) return 'ok'
    return `covered by <${hit?.tagName.toLowerCase()} class="${hit?.className}">`
  })
}

/** The visible controls under `scope` lower than a thumb needs, named. */
export function smallTargets(scope: Locator): Promise<string[]> {
  return scope.evaluate((root, min) => {
    const controls = root.querySelectorAll<HTMLElement>('button, summary, select, textarea')
    return Array.from(controls)
      .filter((control) => {
        const box = control.getBoundingClientRect()
        return box.width > 0 && box.height > 0 && box.height < min
      })
      .map(
        (control) =>
          `${control.textContent?.trim() || control.tagName} (${control.getBoundingClientRect().height} px)`,
      )
  }, TOUCH_MIN_PX)
}

/**
 * Whether a screen reader or the keyboard still reaches the element: 'out of reach' when it
 * sits in an inert, aria-hidden or hidden subtree and takes no focus, else what reaches it.
 */
export function reach(locator: Locator): Promise<string> {
  return locator.evaluate((element) => {
    const shut = element.closest('[inert], [aria-hidden="true"], [hidden]') != null
    const before = document.activeElement
    ;(element as HTMLElement).focus()
    const focused = document.activeElement === element
    if (focused) (before as HTMLElement | null)?.focus()
    if (shut && !focused) return 'out of reach'
    return [shut ? '' : 'in the accessibility tree', focused ? 'takes focus' : '']
      .filter(Boolean)
      .join(', ')
  })
}
