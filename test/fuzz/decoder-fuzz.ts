/**
 * Decoder fuzzing: every decoder of test/fuzz/decoder-table.ts is fed random and
 * mutated-valid inputs (test/fuzz/decoder-inputs.ts) and must return a value or throw a
 * ProtocolError subclass (a typed error with a stable name), and must not allocate out of
 * proportion to its input: the external (ArrayBuffer) memory a call adds is at most
 * MAX_GROWTH_PER_INPUT_BYTE times the input plus MAX_GROWTH_SLACK.
 *
 * The unit test runs 10^4 cases a decoder; run longer with
 * `npm run fuzz:decoders -- --cases 1000000 [--decoder 'DM frame' ...] [--seed N]`.
 */
import { getHeapStatistics } from 'node:v8'
import fc from 'fast-check'
import { ProtocolError } from '../../protocol/errors.ts'
import { decoderInputs } from './decoder-inputs.ts'
import { type DecoderEntry, decoderTable } from './decoder-table.ts'

const MAX_GROWTH_PER_INPUT_BYTE = 16
const MAX_GROWTH_SLACK = 1024 * 1024

export interface DecoderFuzzReport {
  name: string
  seed: number
  cases: number
  /** Inputs the decoder accepted. */
  accepted: number
  /** Refusals by error name. */
  refused: Record<string, number>
  /** Most external memory one call added, in bytes. */
  maxGrowth: number
  /** Longest single call, in milliseconds (a hang shows here, and as a test time-out). */
  slowestMs: number
}

export class DecoderFuzzFailure extends Error {
  override name = 'DecoderFuzzFailure'
}

/** Feeds `cases` inputs to `entry`; throws DecoderFuzzFailure with the seed and the input. */
export function runDecoderFuzz(
  entry: DecoderEntry,
  { cases, seed }: { cases: number; seed: number },
): DecoderFuzzReport {
  const report: DecoderFuzzReport = {
    name: entry.name,
    seed,
    cases,
    accepted: 0,
    refused: {},
    maxGrowth: 0,
    slowestMs: 0,
  }
  const refusals = entry.refusals ?? [ProtocolError]
  const property = fc.property(decoderInputs(entry), (input) => {
    const before = getHeapStatistics().external_memory
    const started = performance.now()
    try {
      entry.decode(input)
      report.accepted++
    } catch (err) {
      if (!refusals.some((refusal) => err instanceof refusal)) {
        throw new DecoderFuzzFailure(`${entry.name} threw an untyped error: ${String(err)}`, {
          cause: err,
        })
      }
      report.refused[(err as Error).name] = (report.refused[(err as Error).name] ?? 0) + 1
    }
    report.slowestMs = Math.max(report.slowestMs, performance.now() - started)
    const growth = getHeapStatistics().external_memory - before
    report.maxGrowth = Math.max(report.maxGrowth, growth)
    if (growth > MAX_GROWTH_PER_INPUT_BYTE * input.length + MAX_GROWTH_SLACK) {
      throw new DecoderFuzzFailure(
        `${entry.name} allocated ${growth} bytes for a ${input.length}-byte input`,
      )
    }
  })
  const result = fc.check(property, { numRuns: cases, seed })
  if (result.failed) {
    const [input] = result.counterexample ?? []
    const error = result.errorInstance
    throw new DecoderFuzzFailure(
      `${entry.name}, seed ${seed}, path ${result.counterexamplePath}: ` +
        `${error instanceof Error ? error.message : String(error)}\n` +
        `input (${input?.length} bytes): ${Buffer.from(input ?? [])
          .toString('hex')
          .slice(0, 2000)}`,
      { cause: error },
    )
  }
  return report
}

/** `--cases N --seed N`, and `--decoder NAME` as often as wanted (all decoders without). */
function parseArgs(argv: string[]): { cases: number; seed: number; decoders: string[] } {
  const options = { cases: 1_000_000, seed: 1, decoders: [] as string[] }
  for (let i = 0; i < argv.length; i += 2) {
    const value = argv[i + 1]
    if (argv[i] === '--decoder') options.decoders.push(value)
    else if (argv[i] === '--cases' || argv[i] === '--seed') {
      const n = Number(value)
      if (!Number.isInteger(n) || n < 0) throw new Error(`${argv[i]} needs a whole number`)
      options[argv[i] === '--cases' ? 'cases' : 'seed'] = n
    } else throw new Error(`unknown option ${argv[i]}; use --cases, --decoder, --seed`)
  }
  return options
}

if (import.meta.main) {
  const { cases, seed, decoders } = parseArgs(process.argv.slice(2))
  const table = decoderTable()
  const unknown = decoders.filter((name) => !table.some((entry) => entry.name === name))
  if (unknown.length > 0) {
    throw new Error(
      `no decoder named ${unknown.join(', ')}; known: ${table.map((e) => e.name).join(', ')}`,
    )
  }
  const entries = table.filter((entry) => decoders.length === 0 || decoders.includes(entry.name))
  let failed = false
  for (const entry of entries) {
    const started = performance.now()
    try {
      const report = runDecoderFuzz(entry, { cases, seed })
      const seconds = ((performance.now() - started) / 1000).toFixed(1)
      console.log(JSON.stringify({ ...report, seconds }))
    } catch (err) {
      failed = true
      console.log(JSON.stringify({ name: entry.name, seed, failure: (err as Error).message }))
    }
  }
  process.exitCode = failed ? 1 : 0
}
