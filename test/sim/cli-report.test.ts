/**
 * `tokenim sim run` as a user runs it: a scenario whose expectation cannot hold exits 2 and
 * names the failed expectation; its HTML report opens in Chromium without console errors,
 * draws its plots and names lost and duplicated messages; its times are on the clock of the
 * scenario's `at`; junit.xml carries the same verdicts. Needs the build (`npm run build`), as the other CLI tests do.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { renderHtmlReport } from '../../sim/index.ts'
import { launchChromium } from '../browser/chromium.ts'
import { runCli } from '../helpers/cli.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'

let dir: { path: string; remove(): Promise<void> }
beforeAll(async () => {
  dir = await makeTempDir('tokenim-sim-cli-')
})
afterAll(async () => {
  await dir?.remove()
})

it('a scenario that does not validate exits 1 naming the field', async () => {
  const scenarioPath = join(dir.path, 'bad.yaml')
  await writeFile(scenarioPath, 'name: bad\nnetwork: { nodes: 1 }\nduration: 1s\n')
  const run = await runCli(['sim', 'run', scenarioPath])
  expect(run.code).toBe(1)
  expect(run.stderr).toMatch(
    /InvalidScenarioError: .*bad\.yaml is not a valid scenario: network\.nodes: /,
  )
})

it('an impossible expectation fails the run with a clear report, and the report renders', async () => {
  const scenarioPath = join(dir.path, 'impossible.yaml')
  await writeFile(
    scenarioPath,
    [
      'name: impossible',
      'network: { relays: 1, nodes: 3 }',
      'duration: 3s',
      'drain: 20s',
      'traffic: { direct: { rate: 3 } }',
      'faults:',
      '  - at: 1s',
      '    latency: { ms: 5 }',
      'expect: { p99LatencyMs: 0.001 }',
    ].join('\n'),
  )
  const out = join(dir.path, 'out')
  const run = await runCli(['sim', 'run', scenarioPath, '--out', out])
  expect(run.code, run.stderr).toBe(2)
  expect(run.stdout).toMatch(/impossible: FAILED/)
  expect(run.stdout).toMatch(/FAIL 1:1: p99 latency below 0\.001 ms: p99 \d+/)
  expect(run.stdout).toMatch(/ok {3}1:1: every message delivered/)
  expect(run.stderr).toMatch(/ExpectationFailedError: 1 expectation failed: 1:1: p99 latency/)
  // Not a terminal: progress comes as lines a CI log keeps, one per phase at least.
  expect(run.stderr).toMatch(/^sim: starting \d+ s, \d+ nodes up$/m)
  expect(run.stderr).toMatch(/^sim: traffic \d+ s of 3 s, sent \d+, delivered \d+$/m)

  const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8'))
  expect(results.passed).toBe(false)
  expect(results.direct.sent).toBeGreaterThan(0)
  expect(results.direct.lost).toBe(0)
  // One clock: the fault at 1s is at 1 s of the results; start-up is before 0.
  type Entry = { at: number; kind: string; detail: string }
  const latency = results.timeline.find((e: Entry) => e.kind === 'latency')
  expect(latency.at).toBeGreaterThanOrEqual(1_000)
  expect(latency.at).toBeLessThan(results.timing.trafficMs)
  const up = results.timeline.find((e: Entry) => /nodes and 1 relay\(s\) up/.test(e.detail))
  expect(up.at).toBeLessThanOrEqual(0)
  expect(results.samples[0].at).toBeLessThan(0)

  // The same results with one message lost and one shown twice, drawn again: the report
  // names both.
  type Message = { missing: number[]; receipts: Array<{ by: number }> }
  const lostOne = {
    ...results,
    messages: results.messages.map((m: Message, i: number) =>
      i === 0
        ? { ...m, missing: [2] }
        : i === 1
          ? { ...m, receipts: [...m.receipts, ...m.receipts] }
          : m,
    ),
  }
  await writeFile(join(out, 'report-lost.html'), renderHtmlReport(lostOne))
  const junit = await readFile(join(out, 'junit.xml'), 'utf8')

  const browser = await launchChromium()
  try {
    const page = await browser.context.newPage()
    const problems: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text())
    })
    page.on('pageerror', (err) => problems.push(err.message))
    page.on('request', (request) => {
      if (!request.url().startsWith('file:')) problems.push(`request to ${request.url()}`)
    })
    await page.goto(pathToFileURL(join(out, 'report.html')).href)
    await expect.poll(() => page.locator('svg').count()).toBeGreaterThanOrEqual(3)
    expect(await page.locator('h1').textContent()).toContain('FAILED')
    expect(await page.locator('td.fail').count()).toBe(1)
    expect(await page.locator('svg path').count()).toBeGreaterThan(2)
    expect(await page.locator('body').textContent()).toContain('No message lost.')
    expect(await page.locator('body').textContent()).toContain('No message shown twice.')
    expect(await page.locator('body').textContent()).toMatch(/Dashed lines mark faults/)

    await page.goto(pathToFileURL(join(out, 'report-lost.html')).href)
    const lostRow = page.locator('h3:has-text("Lost messages (1)") + table tr').nth(1)
    expect(await lostRow.textContent()).toContain(results.messages[0].id)
    expect(await lostRow.locator('td').last().textContent()).toBe('node 2')
    const duplicateRow = page.locator('h3:has-text("Duplicated messages (1)") + table tr').nth(1)
    expect(await duplicateRow.textContent()).toContain(results.messages[1].id)
    expect(await duplicateRow.locator('td').last().textContent()).toBe(
      `node ${results.messages[1].receipts[0].by} (2×)`,
    )
    expect(problems).toEqual([])

    // junit.xml is well-formed XML a CI system reads: one case per expectation, one failure.
    const suite = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'application/xml')
      const root = doc.documentElement
      return {
        root: root.nodeName,
        tests: root.getAttribute('tests'),
        failures: Array.from(doc.querySelectorAll('testcase > failure'), (f) =>
          f.parentElement?.getAttribute('name'),
        ),
      }
    }, junit)
    expect(suite).toEqual({
      root: 'testsuite',
      tests: String(results.expectations.length),
      failures: ['1:1: p99 latency below 0.001 ms'],
    })
  } finally {
    await browser.close()
  }
}, 120_000)
