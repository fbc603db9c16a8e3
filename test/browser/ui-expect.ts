/**
 * Expectations on what a page shows that may take a moment to come true. Each waits in the
 * browser (a Playwright locator narrowed to the wanted state, or a DOM event) up to a deadline,
 * then asserts with a plain `expect`: when the page never gets there, the failure names the
 * value it shows instead of a bare timeout.
 */
import { errors, type Locator } from 'playwright-core'
import { expect } from 'vitest'

/** Longest wait for a page to answer a local action (nothing crosses the network). */
export const UI_MS = 5_000

/** How long the final read may take once the wait is over (the element is there by then). */
const READ_MS = 2_000

/**
 * Expects the text of the element `locator` finds to be `expected` (a string: all of it, as
 * `toBe`; a RegExp: a match, as `toMatch`), waiting up to `timeoutMs` for it.
 */
export async function expectText(
  locator: Locator,
  expected: string | RegExp,
  timeoutMs: number,
): Promise<void> {
  const pattern =
    typeof expected === 'string' ? new RegExp(`^${escapeRegExp(expected)}$`) : expected
  await untilTimeout(
    locator.filter({ hasText: pattern }).waitFor({ state: 'attached', timeout: timeoutMs }),
  )
  const text = await locator.textContent({ timeout: READ_MS })
  if (typeof expected === 'string') expect(text).toBe(expected)
  else expect(text).toMatch(expected)
}

/** Expects attribute `name` of the element `locator` finds to be `value`, waiting for it. */
export async function expectAttribute(
  locator: Locator,
  name: string,
  value: string,
  timeoutMs: number,
): Promise<void> {
  const withValue = locator.page().locator(`[${name}=${JSON.stringify(value)}]`)
  await untilTimeout(locator.and(withValue).waitFor({ state: 'attached', timeout: timeoutMs }))
  expect(await locator.getAttribute(name, { timeout: READ_MS })).toBe(value)
}

/**
 * Expects the image `locator` finds to decode to `width` pixels wide: waits for it to have a
 * source, then for its load event (unless it has loaded already).
 */
export async function expectNaturalWidth(
  image: Locator,
  width: number,
  timeoutMs: number,
): Promise<void> {
  const started = Date.now()
  await image
    .and(image.page().locator('img[src]'))
    .waitFor({ state: 'attached', timeout: timeoutMs })
  const left = Math.max(timeoutMs - (Date.now() - started), 0)
  const natural = await image.evaluate(
    (element: HTMLImageElement, ms: number) =>
      new Promise<number>((resolve) => {
        if (element.complete && element.naturalWidth > 0) return resolve(element.naturalWidth)
        // Load or error answers at once; the deadline only bounds a load that never ends, and
        // then it answers what it has, for the expect below to show.
        const answer = () => {
          clearTimeout(deadline)
          resolve(element.naturalWidth)
        }
        const deadline = setTimeout(answer, ms)
        element.addEventListener('load', answer, { once: true })
        element.addEventListener('error', answer, { once: true })
      }),
    left,
  )
  expect(natural).toBe(width)
}

/** Lets a wait run out quietly: the expect that follows it reports what the page shows. */
async function untilTimeout(wait: Promise<void>): Promise<void> {
  try {
    await wait
  } catch (err) {
    if (!(err instanceof errors.TimeoutError)) throw err
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
