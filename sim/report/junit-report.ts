/**
 * The verdicts of a scenario run as a JUnit XML report, the format CI systems read: one test
 * suite named after the scenario, one test case per expectation, a failure carrying what was
 * measured. Written as junit.xml beside results.json.
 */
import type { SimulationResults } from '../results.ts'

export function renderJunitReport(results: SimulationResults): string {
  const suite = `tokenim sim ${results.scenario.name}`
  const failures = results.expectations.filter((e) => !e.passed).length
  const cases = results.expectations.map((e) => {
    const open = `  <testcase classname="${xml(suite)}" name="${xml(e.name)}">`
    return e.passed
      ? `${open}<system-out>${xml(e.detail)}</system-out></testcase>`
      : `${open}<failure message="${xml(e.detail)}">${xml(e.detail)}</failure></testcase>`
  })
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuite name="${xml(suite)}" tests="${results.expectations.length}" failures="${failures}" errors="0" time="${(results.timing.totalMs / 1_000).toFixed(3)}">`,
    ...cases,
    '</testsuite>',
    '',
  ].join('\n')
}

/** Escapes text for an XML attribute or element, dropping characters XML 1.0 cannot carry. */
function xml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD]/gu, '')
    .replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}
