/**
 * What a row of the decoder fuzz table holds, and the fixed keys and helpers the rows are
 * built with (fixed keys: a failing input a fuzzer prints replays against the same table).
 */
import { signCosignedRecord, signRecord } from '../../protocol/codec.ts'
import { type Ed25519KeyPair, ed25519KeyPairFromSeed } from '../../protocol/crypto/index.ts'
import { CosignedRecord, SignedRecord } from '../../protocol/proto/signed-record.ts'

export interface DecoderEntry {
  name: string
  /** Largest input the decoder accepts; the fuzzers also try sizes just around it. */
  maxSize: number
  decode(bytes: Uint8Array): unknown
  /** Valid inputs, mutated by the fuzzers. */
  valid: Uint8Array[]
  /** What is signed or sealed inside a valid input, and how to wrap a mutated one again. */
  inner?: { valid: Uint8Array[]; wrap(inner: Uint8Array): Uint8Array }
  /** Fewer inputs in `npm test` for a decoder too slow for 10^4 there. */
  testCases?: number
  /** The error classes a refusal may have. @default [ProtocolError] */
  refusals?: Array<abstract new (...args: never[]) => Error>
}

export const key = (n: number): Ed25519KeyPair => ed25519KeyPairFromSeed(new Uint8Array(32).fill(n))
export const alice = key(1)
export const bob = key(2)
export const relay = key(3)
export const NOW = 1_800_000_000_000
export const bytes = (length: number, fill: number) => new Uint8Array(length).fill(fill)
export const utf8 = (text: string) => new TextEncoder().encode(text)

/** A record signed by `signer` for `domain`: its payloads, re-signed after mutation. */
export function signed(
  signer: Ed25519KeyPair,
  domain: string,
  valid: Uint8Array[],
): DecoderEntry['inner'] {
  return {
    valid: valid.map((record) => SignedRecord.decode(record).payload),
    wrap: (payload) => signRecord(signer, payload, domain),
  }
}

/** A record cosigned by `first` and `second`: its payloads, cosigned again after mutation. */
export function cosigned(
  first: Ed25519KeyPair,
  second: Ed25519KeyPair,
  domain: string,
  valid: Uint8Array[],
): DecoderEntry['inner'] {
  return {
    valid: valid.map((record) => CosignedRecord.decode(record).payload),
    wrap: (payload) => signCosignedRecord({ first, second }, payload, domain),
  }
}
