/**
 * What the decoder fuzzers feed a decoder (fast-check arbitraries): random bytes up to a few
 * KiB, inputs just under and over the decoder's size limit, and valid encodings mutated by a
 * few edits (bit flips, byte changes, insertions, deletions, truncations, duplicated slices,
 * and a byte replaced by a varint of a huge length), also inside signed or sealed records,
 * which are then re-signed or re-sealed.
 */
import fc from 'fast-check'
import type { DecoderEntry } from './decoder-table.ts'

type Edit =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; byte: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; count: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'duplicate'; at: number; count: number }
  | { kind: 'varint'; at: number; value: number }

const at = fc.nat()
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at, bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('set' as const), at, byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at,
    bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
  }),
  fc.record({ kind: fc.constant('delete' as const), at, count: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at }),
  fc.record({
    kind: fc.constant('duplicate' as const),
    at,
    count: fc.integer({ min: 1, max: 64 }),
  }),
  fc.record({
    kind: fc.constant('varint' as const),
    at,
    value: fc.oneof(
      fc.constantFrom(2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1, 2 ** 63),
      fc.integer({ min: 128, max: 2 ** 30 }),
    ),
  }),
)

/** The unsigned varint of `value` (up to 10 bytes). */
function varint(value: number): number[] {
  const out: number[] = []
  let rest = BigInt(Math.floor(value))
  do {
    const low = Number(rest & 0x7fn)
    rest >>= 7n
    out.push(rest > 0n ? low | 0x80 : low)
  } while (rest > 0n)
  return out
}

export function applyEdit(input: Uint8Array, e: Edit): Uint8Array {
  const bytes = Array.from(input)
  const i = bytes.length === 0 ? 0 : e.at % bytes.length
  switch (e.kind) {
    case 'flip':
      if (bytes.length > 0) bytes[i] ^= 1 << e.bit
      break
    case 'set':
      if (bytes.length > 0) bytes[i] = e.byte
      break
    case 'insert':
      bytes.splice(e.at % (bytes.length + 1), 0, ...e.bytes)
      break
    case 'delete':
      bytes.splice(i, e.count)
      break
    case 'truncate':
      bytes.length = i
      break
    case 'duplicate':
      bytes.splice(i, 0, ...bytes.slice(i, i + e.count))
      break
    case 'varint':
      bytes.splice(i, bytes.length === 0 ? 0 : 1, ...varint(e.value))
      break
  }
  return Uint8Array.from(bytes)
}

function mutated(valid: Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(fc.constantFrom(...valid), fc.array(edit, { minLength: 1, maxLength: 6 }))
    .map(([input, edits]) => edits.reduce(applyEdit, input))
}

/** `length` bytes from a small xorshift generator: cheap at 100 KiB and more. */
function patterned(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length)
  let x = seed | 1
  for (let i = 0; i < length; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    out[i] = x & 0xff
  }
  return out
}

/** Everything the fuzzers try on `entry`. */
export function decoderInputs(entry: DecoderEntry): fc.Arbitrary<Uint8Array> {
  const nearLimit = fc
    .tuple(fc.integer({ min: -8, max: 8 }), fc.integer())
    .map(([delta, seed]) => patterned(Math.max(0, entry.maxSize + delta), seed))
  const arbitraries: Array<fc.WeightedArbitrary<Uint8Array>> = [
    { arbitrary: fc.uint8Array({ maxLength: 4096 }), weight: 3 },
    { arbitrary: nearLimit, weight: 1 },
    { arbitrary: mutated(entry.valid), weight: 4 },
  ]
  const inner = entry.inner
  if (inner != null) {
    arbitraries.push({
      arbitrary: mutated(inner.valid).map((bytes) => inner.wrap(bytes)),
      weight: 4,
    })
  }
  return fc.oneof(...arbitraries)
}
