/**
 * A self-contained HTML report of a scenario run: no script, no external resource, plots
 * as inline SVG (latency distribution, delivery over time, memory and CPU, fault timeline),
 * the expectations with their verdicts, and which messages were lost.
 */
import {
  type MessageResult,
  type SimulationResults,
  summarizeShards,
  type TrafficResult,
} from '../results.ts'

const WIDTH = 720
const HEIGHT = 220
const PAD = { left: 56, right: 16, top: 16, bottom: 36 }

export function renderHtmlReport(results: SimulationResults): string {
  const { scenario, settings } = results
  const verdict = results.passed ? 'passed' : 'FAILED'
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(scenario.name)}: simulation ${verdict}</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 780px; color: #1d2330; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; }
h2 { font-size: 1.1rem; margin-top: 2rem; border-bottom: 1px solid #d8dce5; }
table { border-collapse: collapse; width: 100%; }
td, th { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid #eef0f4; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.pass { color: #17703a; font-weight: 600; }
.fail { color: #b3261e; font-weight: 600; }
.muted { color: #5b6475; }
svg { display: block; margin: .5rem 0; }
svg text { font: 11px system-ui, sans-serif; fill: #39414f; }
</style>
</head>
<body>
<h1>${esc(scenario.name)} <span class="${results.passed ? 'pass' : 'fail'}">${verdict}</span></h1>
<p class="muted">${esc(scenario.description ?? '')}</p>
<p>${settings.nodes} nodes${settings.shards > 1 ? ` in ${settings.shards} shard processes` : ''}, ${settings.relays} relay(s), ${esc(settings.transport)} transport,
writes ${settings.syncWrites ? 'synced' : 'not synced (simulation setting)'}; seed ${scenario.seed};
started in ${seconds(results.timing.startupMs)}, traffic ${seconds(results.timing.trafficMs)},
drain ${seconds(results.timing.drainMs)}. Node ${esc(settings.node)}.</p>

<h2>Expectations</h2>
<table>
<tr><th>expectation</th><th>verdict</th><th>measured</th></tr>
${results.expectations
  .map(
    (e) =>
      `<tr><td>${esc(e.name)}</td><td class="${e.passed ? 'pass' : 'fail'}">${e.passed ? 'pass' : 'FAIL'}</td><td>${esc(e.detail)}</td></tr>`,
  )
  .join('\n')}
</table>

<h2>Delivery</h2>
${trafficTable(results.direct, results.room)}
<p>Links between nodes when the traffic ended: ${results.links.direct} direct, ${results.links.relayed} through a relay <span class="muted">(each counted at both ends)</span>.</p>
${lostMessagesSection(results)}
${duplicatedMessagesSection(results)}

<h2>Latency distribution</h2>
${histogramSvg('1:1', results.direct)}
${results.room == null ? '' : histogramSvg('room', results.room)}

<h2>Delivery over time</h2>
${deliverySvg(results)}
${faultLegend(results)}

<h2>Memory and CPU</h2>
<p>Peak RSS ${mb(results.memory.peakRssMb)}; per node about ${mb(results.memory.perNodeRssMb)} RSS,
${mb(results.memory.perNodeHeapMb)} heap. <span class="muted">${esc(results.memory.method)}.</span></p>
${memorySvg(results)}
${faultLegend(results)}
${shardTable(results)}

<h2>Fault timeline</h2>
${timelineTable(results)}

${errorsSection(results)}
</body>
</html>
`
}

/** One row per shard process: its nodes, peak RSS, mean CPU and event-loop use. */
function shardTable(results: SimulationResults): string {
  if (results.shards.length === 0) return ''
  const rows = summarizeShards(results.shards).map(
    (s) =>
      `<tr><td>shard ${s.shard}</td><td class="num">${s.running}</td><td class="num">${mb(s.peakRssMb)}</td><td class="num">${Math.round(s.meanCpuPercent)}%</td><td class="num">${Math.round(s.meanEventLoopPercent)}%</td></tr>`,
  )
  return `<table>
<tr><th>process</th><th>nodes running</th><th>peak RSS</th><th>mean CPU (of one core)</th><th>event loop busy</th></tr>
${rows.join('\n')}
</table>`
}

function trafficTable(direct: TrafficResult, room: TrafficResult | null): string {
  const rows: Array<[string, (t: TrafficResult) => string]> = [
    ['sent', (t) => String(t.sent)],
    ['delivered', (t) => String(t.delivered)],
    ['lost', (t) => String(t.lost)],
    ['duplicates', (t) => String(t.duplicates)],
    ['out of order', (t) => String(t.outOfOrder)],
    ['latency p50', (t) => ms(t.latency.p50)],
    ['latency p90', (t) => ms(t.latency.p90)],
    ['latency p99', (t) => ms(t.latency.p99)],
    ['latency max', (t) => ms(t.latency.max)],
  ]
  const columns = room == null ? [direct] : [direct, room]
  return `<table>
<tr><th></th><th>1:1</th>${room == null ? '' : '<th>room (per recipient)</th>'}</tr>
${rows.map(([label, value]) => `<tr><td>${label}</td>${columns.map((t) => `<td class="num">${value(t)}</td>`).join('')}</tr>`).join('\n')}
</table>`
}

function histogramSvg(label: string, traffic: TrafficResult): string {
  const buckets = traffic.histogram
  const max = Math.max(1, ...buckets.map((b) => b.count))
  const plotW = WIDTH - PAD.left - PAD.right
  const plotH = HEIGHT - PAD.top - PAD.bottom
  const barW = plotW / buckets.length
  const bars = buckets
    .map((bucket, i) => {
      const h = (bucket.count / max) * plotH
      const x = PAD.left + i * barW
      const y = PAD.top + plotH - h
      const name = Number.isFinite(bucket.upToMs) ? `≤${compactMs(bucket.upToMs)}` : 'more'
      return `<rect x="${f(x + 2)}" y="${f(y)}" width="${f(barW - 4)}" height="${f(h)}" fill="#3d6fd9"><title>${name}: ${bucket.count}</title></rect>
<text x="${f(x + barW / 2)}" y="${HEIGHT - PAD.bottom + 14}" text-anchor="middle">${name}</text>
${bucket.count > 0 ? `<text x="${f(x + barW / 2)}" y="${f(y - 3)}" text-anchor="middle">${bucket.count}</text>` : ''}`
    })
    .join('\n')
  return `<svg width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${label} latency histogram">
${axes(`${label} deliveries`, 'latency (ms)', max)}
${bars}
</svg>`
}

function deliverySvg(results: SimulationResults): string {
  const series = results.deliveryOverTime
  if (series.length === 0) return '<p class="muted">No traffic.</p>'
  let sent = 0
  let delivered = 0
  const cumulative = series.map((point) => {
    sent += point.sent
    delivered += point.delivered
    return { second: point.second, sent, delivered }
  })
  const expectedReceipts = results.messages.reduce((total, m) => total + m.to.length, 0)
  const maxY = Math.max(
    1,
    expectedReceipts,
    ...cumulative.map((p) => Math.max(p.sent, p.delivered)),
  )
  const range = timeRange([
    ...series.map((point) => point.second),
    ...results.timeline.map((t) => t.at / 1_000),
  ])
  const x = timeScale(range)
  const y = (value: number) => PAD.top + (1 - value / maxY) * (HEIGHT - PAD.top - PAD.bottom)
  const line = (key: 'sent' | 'delivered') =>
    cumulative.map((p, i) => `${i === 0 ? 'M' : 'L'}${f(x(p.second))},${f(y(p[key]))}`).join(' ')
  return `<svg width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="delivery over time">
${axes('messages / receipts (cumulative)', TIME_AXIS, maxY, range)}
${trafficStartMark(range, x)}
${faultMarks(results, x)}
<path d="${line('sent')}" fill="none" stroke="#8a94a6" stroke-width="2"/>
<path d="${line('delivered')}" fill="none" stroke="#17703a" stroke-width="2"/>
<text x="${WIDTH - PAD.right - 150}" y="${PAD.top + 12}" fill="#8a94a6">grey: messages sent</text>
<text x="${WIDTH - PAD.right - 150}" y="${PAD.top + 26}">green: first receipts</text>
</svg>`
}

function memorySvg(results: SimulationResults): string {
  const samples = results.samples
  if (samples.length < 2) return '<p class="muted">Too few samples.</p>'
  const range = timeRange(samples.map((s) => s.at / 1_000))
  const maxY = Math.max(1, ...samples.map((s) => Math.max(s.rssMb, s.cpuPercent)))
  const x = timeScale(range)
  const y = (value: number) => PAD.top + (1 - value / maxY) * (HEIGHT - PAD.top - PAD.bottom)
  const line = (value: (s: (typeof samples)[number]) => number) =>
    samples.map((s, i) => `${i === 0 ? 'M' : 'L'}${f(x(s.at / 1_000))},${f(y(value(s)))}`).join(' ')
  return `<svg width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="memory and CPU over time">
${axes('MiB / CPU %', TIME_AXIS, maxY, range)}
${trafficStartMark(range, x)}
${faultMarks(results, x)}
<path d="${line((s) => s.rssMb)}" fill="none" stroke="#3d6fd9" stroke-width="2"/>
<path d="${line((s) => s.heapUsedMb)}" fill="none" stroke="#9b59b6" stroke-width="2"/>
<path d="${line((s) => s.cpuPercent)}" fill="none" stroke="#e08a1e" stroke-width="1.5"/>
<text x="${WIDTH - PAD.right - 170}" y="${PAD.top + 12}" fill="#3d6fd9">blue: RSS (MiB)</text>
<text x="${WIDTH - PAD.right - 170}" y="${PAD.top + 26}" fill="#9b59b6">purple: V8 heap used (MiB)</text>
<text x="${WIDTH - PAD.right - 170}" y="${PAD.top + 40}" fill="#e08a1e">orange: CPU (% of a core)</text>
</svg>`
}

/** Lost or duplicated messages shown in the report; all of them are in results.json. */
const MAX_LISTED_MESSAGES = 100

/** Which messages never reached which recipients, so a tester can follow one up. */
function lostMessagesSection(results: SimulationResults): string {
  const lost = results.messages.filter((m) => m.missing.length > 0)
  if (lost.length === 0) return '<p class="muted">No message lost.</p>'
  return messageList(
    `Lost messages (${lost.length})`,
    lost,
    ['never reached', (m) => m.missing.map((n) => `node ${n}`).join(', ')],
    'messages whose <code>missing</code> is not empty',
  )
}

/** Which messages were shown more than once, and to whom how many times. */
function duplicatedMessagesSection(results: SimulationResults): string {
  const duplicated = results.messages.filter((m) => repeatedReceipts(m).length > 0)
  if (duplicated.length === 0) return '<p class="muted">No message shown twice.</p>'
  return messageList(
    `Duplicated messages (${duplicated.length})`,
    duplicated,
    [
      'shown more than once to',
      (m) =>
        repeatedReceipts(m)
          .map(([node, times]) => `node ${node} (${times}×)`)
          .join(', '),
    ],
    'messages with more than one receipt from the same node',
  )
}

function repeatedReceipts(message: MessageResult): Array<[node: number, times: number]> {
  const counts = new Map<number, number>()
  for (const receipt of message.receipts) counts.set(receipt.by, (counts.get(receipt.by) ?? 0) + 1)
  return [...counts].filter(([, times]) => times > 1)
}

function messageList(
  title: string,
  messages: MessageResult[],
  [heading, cell]: [string, (message: MessageResult) => string],
  inResults: string,
): string {
  const rows = messages
    .slice(0, MAX_LISTED_MESSAGES)
    .map(
      (m) =>
        `<tr><td><code>${esc(m.id)}</code></td><td>${m.kind === 'direct' ? '1:1' : 'room'}</td><td class="num">node ${m.from}</td><td class="num">${seconds(m.sentAt)}</td><td>${esc(cell(m))}</td></tr>`,
    )
  const more =
    messages.length > MAX_LISTED_MESSAGES
      ? `<p class="muted">…and ${messages.length - MAX_LISTED_MESSAGES} more, all listed in results.json (${inResults}).</p>`
      : ''
  return `<h3>${esc(title)}</h3>
<table>
<tr><th>message</th><th>kind</th><th>from</th><th>sent at</th><th>${esc(heading)}</th></tr>
${rows.join('\n')}
</table>
${more}`
}

const FAULT_COLOURS: Record<string, string> = {
  kill: '#b3261e',
  partition: '#b3261e',
  restart: '#17703a',
  heal: '#17703a',
}
const OTHER_FAULT_COLOUR = '#e08a1e'

/** What the dashed vertical lines on the plots above it mean; nothing when there were none. */
function faultLegend(results: SimulationResults): string {
  if (!results.timeline.some((entry) => entry.kind !== 'note')) return ''
  const swatch = (colour: string) =>
    `<svg width="14" height="12" style="display:inline;margin:0" aria-hidden="true"><line x1="7" x2="7" y1="0" y2="12" stroke="${colour}" stroke-width="2" stroke-dasharray="3 3"/></svg>`
  return `<p class="muted">Dashed lines mark faults (hover one for its detail):
${swatch(FAULT_COLOURS.kill)} a node killed or a partition cut,
${swatch(FAULT_COLOURS.heal)} a node restarted or a partition healed,
${swatch(OTHER_FAULT_COLOUR)} latency or loss added to links.</p>`
}

/** Vertical marks where faults happened, red for cuts and kills, green for heals and restarts. */
function faultMarks(results: SimulationResults, x: (second: number) => number): string {
  return results.timeline
    .filter((entry) => entry.kind !== 'note')
    .map((entry) => {
      const at = f(x(entry.at / 1_000))
      return `<line x1="${at}" x2="${at}" y1="${PAD.top}" y2="${HEIGHT - PAD.bottom}" stroke="${FAULT_COLOURS[entry.kind] ?? OTHER_FAULT_COLOUR}" stroke-dasharray="3 3"><title>${esc(`${entry.kind} ${entry.detail}`)}</title></line>`
    })
    .join('\n')
}

/** Plots over time share the scenario's clock: 0 is where traffic starts, as for `at`. */
const TIME_AXIS = 'seconds from the start of traffic (the clock of each fault\'s "at")'

type TimeRange = [first: number, last: number]

/** From the earliest second (start-up is before 0) to the latest, at least [0, 1]. */
function timeRange(seconds: number[]): TimeRange {
  return [Math.min(0, ...seconds), Math.max(1, ...seconds)]
}

function timeScale([first, last]: TimeRange): (second: number) => number {
  return (second) => PAD.left + ((second - first) / (last - first)) * (WIDTH - PAD.left - PAD.right)
}

/** A solid line at 0 when start-up shows before it. */
function trafficStartMark(range: TimeRange, x: (second: number) => number): string {
  if (range[0] >= 0) return ''
  const at = f(x(0))
  return `<line x1="${at}" x2="${at}" y1="${PAD.top}" y2="${HEIGHT - PAD.bottom}" stroke="#8a94a6"><title>traffic starts</title></line>`
}

function axes(yLabel: string, xLabel: string, maxY: number, xRange?: TimeRange): string {
  const bottom = HEIGHT - PAD.bottom
  const ticks = [0, 0.25, 0.5, 0.75, 1]
    .map((t) => {
      const y = PAD.top + (1 - t) * (bottom - PAD.top)
      return `<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${f(y)}" y2="${f(y)}" stroke="#eef0f4"/>
<text x="${PAD.left - 6}" y="${f(y + 4)}" text-anchor="end">${compact(maxY * t)}</text>`
    })
    .join('\n')
  const xTicks =
    xRange == null
      ? ''
      : [0, 0.25, 0.5, 0.75, 1]
          .map((t) => {
            const x = PAD.left + t * (WIDTH - PAD.left - PAD.right)
            const second = xRange[0] + t * (xRange[1] - xRange[0])
            return `<text x="${f(x)}" y="${bottom + 14}" text-anchor="middle">${compact(second)}</text>`
          })
          .join('\n')
  return `${ticks}
${xTicks}
<line x1="${PAD.left}" x2="${PAD.left}" y1="${PAD.top}" y2="${bottom}" stroke="#8a94a6"/>
<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${bottom}" y2="${bottom}" stroke="#8a94a6"/>
<text x="12" y="${PAD.top + (bottom - PAD.top) / 2}" transform="rotate(-90 12 ${PAD.top + (bottom - PAD.top) / 2})" text-anchor="middle">${esc(yLabel)}</text>
<text x="${PAD.left + (WIDTH - PAD.left - PAD.right) / 2}" y="${HEIGHT - 4}" text-anchor="middle">${esc(xLabel)}</text>`
}

function timelineTable(results: SimulationResults): string {
  if (results.timeline.length === 0) return '<p class="muted">No faults.</p>'
  return `<table>
<tr><th>at</th><th>event</th><th>detail</th></tr>
${results.timeline.map((e) => `<tr><td class="num">${seconds(e.at)}</td><td>${esc(e.kind)}</td><td>${esc(e.detail)}</td></tr>`).join('\n')}
</table>`
}

function errorsSection(results: SimulationResults): string {
  const errors = [
    ...results.errors.send.map((e) => ({ ...e, what: 'send' })),
    ...results.errors.faults.map((e) => ({ ...e, what: 'fault' })),
  ]
  if (errors.length === 0) return ''
  const shown = errors.slice(0, 50)
  return `<h2>Errors (${errors.length})</h2>
<table>
<tr><th>at</th><th>during</th><th>message</th></tr>
${shown.map((e) => `<tr><td class="num">${seconds(e.at)}</td><td>${e.what}</td><td>${esc(e.message)}</td></tr>`).join('\n')}
</table>`
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

function f(value: number): string {
  return Number.isFinite(value) ? value.toFixed(1) : '0'
}

function ms(value: number): string {
  return Number.isFinite(value) ? `${Math.round(value)} ms` : '–'
}

function mb(value: number): string {
  return `${value.toFixed(1)} MiB`
}

function seconds(value: number): string {
  return `${(value / 1_000).toFixed(1)} s`
}

function compact(value: number): string {
  if (value >= 10_000) return `${Math.round(value / 1_000)}k`
  if (value >= 100) return String(Math.round(value))
  return String(Math.round(value * 10) / 10)
}

function compactMs(value: number): string {
  return value >= 1_000 ? `${value / 1_000}s` : `${value}ms`
}
