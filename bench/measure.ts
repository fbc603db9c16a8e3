/**
 * What a benchmark module exports, and the timing loop they share. Each `bench/*.bench.ts`
 * default-exports a Benchmark; `bench/run.ts` runs them and prints one table.
 */

export interface BenchmarkFigure {
  /** What was measured, e.g. 'Ed25519 sign, 128 B (protocol/crypto)'. */
  name: string
  value: number
  /** e.g. 'ops/s'. The baseline is in the same unit. */
  unit: string
  /** The same work done the plainest way, measured in the same run. */
  baseline: { name: string; value: number }
}

export interface Benchmark {
  name: string
  run(): Promise<BenchmarkFigure[]>
}

/** The p-th percentile (nearest rank) of `values`; NaN for none. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

/** Time spent on each figure and on its baseline; TOKENIM_BENCH_MS overrides it. */
export const DURATION_MS = Number(process.env.TOKENIM_BENCH_MS ?? 500)

// Results land here so the optimiser cannot drop the measured call as dead code.
let _sink: unknown

/**
 * Operations per second of `subject` and of `baseline`, each run for `durationMs` in
 * alternating rounds, so that warm-up, GC and CPU clock drift fall on both alike.
 */
export function compareRates(
  subject: () => unknown,
  baseline: () => unknown,
  durationMs = DURATION_MS,
): { subject: number; baseline: number } {
  const rounds = 5
  const totals = { subject: { operations: 0, ms: 0 }, baseline: { operations: 0, ms: 0 } }
  for (const operation of [subject, baseline]) run(operation, Math.min(50, durationMs / 10))
  for (let round = 0; round < rounds; round++) {
    for (const key of ['subject', 'baseline'] as const) {
      const operation = key === 'subject' ? subject : baseline
      const { operations, ms } = run(operation, durationMs / rounds)
      totals[key].operations += operations
      totals[key].ms += ms
    }
  }
  return {
    subject: (totals.subject.operations * 1000) / totals.subject.ms,
    baseline: (totals.baseline.operations * 1000) / totals.baseline.ms,
  }
}

/** Runs `operation` in growing batches until `durationMs` has passed; reading the clock per call would cost more than fast operations. */
function run(operation: () => unknown, durationMs: number): { operations: number; ms: number } {
  let operations = 0
  let batch = 1
  const start = performance.now()
  let now = start
  while (now - start < durationMs) {
    const batchStart = now
    for (let i = 0; i < batch; i++) _sink = operation()
    operations += batch
    now = performance.now()
    if (now - batchStart < 2) batch *= 2
  }
  return { operations, ms: now - start }
}
