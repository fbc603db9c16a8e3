import { describe, expect, it } from 'vitest'
import { runDecoderFuzz } from '../fuzz/decoder-fuzz.ts'
import { decoderTable } from '../fuzz/decoder-table.ts'

// 10^4 inputs a decoder in CI (10^3 for received images, see decoders-images.ts);
// DECODER_FUZZ_CASES lowers it for a quick local run, and `npm run fuzz:decoders` runs 10^6.
// A fixed seed keeps CI reproducible.
const CASES = Number(process.env.DECODER_FUZZ_CASES ?? 10_000)
const SEED = 2026

const table = decoderTable()

describe('decoder fuzzing', () => {
  it('covers every decoder, each with valid inputs it accepts', () => {
    expect(new Set(table.map((entry) => entry.name)).size).toBe(table.length)
    expect(table.length).toBeGreaterThanOrEqual(30)
    for (const entry of table) {
      for (const valid of entry.valid) {
        expect(() => entry.decode(valid), entry.name).not.toThrow()
      }
      for (const inner of entry.inner?.valid ?? []) {
        expect(() => entry.decode(entry.inner!.wrap(inner)), entry.name).not.toThrow()
      }
    }
  })

  it('fails on an untyped error or an allocation out of proportion, naming the input', () => {
    const [frame] = table
    const typeError = {
      ...frame,
      decode: (b: Uint8Array) => b.length > 5 && (null as never as Uint8Array)[0],
    }
    expect(() => runDecoderFuzz(typeError, { cases: 100, seed: SEED })).toThrow(
      expect.objectContaining({
        name: 'DecoderFuzzFailure',
        message: expect.stringMatching(/untyped error[\s\S]*input \(\d+ bytes\): [0-9a-f]+/),
      }),
    )
    const greedy = {
      ...frame,
      decode: (b: Uint8Array) => new Uint8Array(2 * 1024 * 1024 + 17 * b.length),
    }
    expect(() => runDecoderFuzz(greedy, { cases: 100, seed: SEED })).toThrow(
      expect.objectContaining({ message: expect.stringContaining('allocated') }),
    )
  })

  it.each(table.map((entry) => [entry.name, entry] as const))(
    '%s: returns a value or throws a typed error, allocating in proportion to its input',
    (_name, entry) => {
      const cases = Math.min(CASES, entry.testCases ?? CASES)
      const report = runDecoderFuzz(entry, { cases, seed: SEED })
      const refused = Object.values(report.refused).reduce((sum, n) => sum + n, 0)
      expect(report.accepted + refused).toBe(cases)
    },
  )
})
