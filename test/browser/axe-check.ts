/** axe (the rules of WCAG 2.1 A and AA) on a page of the web client, as the browser tests run it. */
import AxeBuilder from '@axe-core/playwright'
import type { Page } from 'playwright-core'
import { expect } from 'vitest'

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']

/** The serious and critical violations on the page as it is now, one line each. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const { violations, passes } = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze()
  // An empty page, or axe not injected, would pass every screen: it must have checked something.
  expect(passes.length).toBeGreaterThan(10)
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id} (${violation.impact}): ${violation.help}; ${violation.nodes
          .map((node) => node.target.join(' '))
          .join(', ')}`,
    )
}
