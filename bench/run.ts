/**
 * Runs the benchmarks in bench/*.bench.ts (those whose file name contains the first
 * argument, if one is given), prints one table of figures beside their baselines, and
 * writes the results to bench/results/<timestamp>.json and bench/results/latest.json.
 *
 *   npm run bench            # all benchmarks
 *   npm run bench -- crypto  # only bench/*crypto*.bench.ts
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { Benchmark, BenchmarkFigure } from './measure.ts'
import { DURATION_MS } from './measure.ts'

interface ResultRow extends BenchmarkFigure {
  benchmark: string
  ratio: number
}

const startedAt = new Date()
const benchDir = fileURLToPath(new URL('.', import.meta.url))
const filter = process.argv[2] ?? ''

const files = (await readdir(benchDir))
  .filter((file) => file.endsWith('.bench.ts') && file.includes(filter))
  .sort()
if (files.length === 0) {
  console.error(`no benchmark in ${benchDir} matches "${filter}"`)
  process.exit(1)
}

const rows: ResultRow[] = []
let failed = false
for (const file of files) {
  const benchmark = (await import(pathToFileURL(join(benchDir, file)).href)).default as Benchmark
  if (typeof benchmark?.name !== 'string' || typeof benchmark.run !== 'function') {
    console.error(`${file}: the default export must be { name, run() }; skipped`)
    failed = true
    continue
  }
  console.error(`running ${benchmark.name} (${file})...`)
  try {
    for (const figure of await benchmark.run()) {
      rows.push({
        benchmark: benchmark.name,
        ...figure,
        ratio: figure.value / figure.baseline.value,
      })
    }
  } catch (err) {
    console.error(`${file} failed:`, err)
    failed = true
  }
}

printTable(rows)

const report = {
  date: startedAt.toISOString(),
  node: process.version,
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cpus: os.cpus().length,
  durationMsPerFigure: DURATION_MS,
  results: rows,
}
const resultsDir = join(benchDir, 'results')
await mkdir(resultsDir, { recursive: true })
const json = `${JSON.stringify(report, null, 2)}\n`
const stamped = join(resultsDir, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`)
await writeFile(stamped, json)
await writeFile(join(resultsDir, 'latest.json'), json)
console.error(`wrote ${stamped} and latest.json`)
if (failed) process.exitCode = 1

function printTable(results: ResultRow[]): void {
  const header = ['benchmark', 'figure', 'value', 'unit', 'baseline', 'baseline value', 'ratio']
  const body = results.map((row) => [
    row.benchmark,
    row.name,
    formatNumber(row.value),
    row.unit,
    row.baseline.name,
    formatNumber(row.baseline.value),
    `${row.ratio.toFixed(2)}x`,
  ])
  const numeric = new Set([2, 5, 6])
  const widths = header.map((title, column) =>
    Math.max(title.length, ...body.map((cells) => cells[column].length)),
  )
  const line = (cells: string[]) =>
    cells
      .map((cell, column) =>
        numeric.has(column) ? cell.padStart(widths[column]) : cell.padEnd(widths[column]),
      )
      .join('  ')
      .trimEnd()
  console.log(line(header))
  console.log(widths.map((width) => '-'.repeat(width)).join('  '))
  for (const cells of body) console.log(line(cells))
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value)
  return Math.abs(value) >= 100 ? Math.round(value).toLocaleString('en-US') : value.toPrecision(3)
}
