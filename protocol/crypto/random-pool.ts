/**
 * Random bytes cut from a pool refilled from the CSPRNG, for callers that take a few bytes
 * very often (a seal's nonce, a record group's id): one randomBytes call for 12 bytes costs
 * about half of a whole seal of 300 bytes (measured: 4.2 us against 7.2 us for the cipher).
 * Each byte is handed out once: the pool is refilled before any of it is handed out again.
 */
import { randomFillSync } from 'node:crypto'

const POOL = Buffer.alloc(8192)
let poolAt = POOL.length

/**
 * `length` fresh random bytes (at most the pool's 8 KiB), as a view into the pool that is
 * valid until the next call: copy them before anything else can run.
 */
export function pooledRandomBytes(length: number): Uint8Array {
  if (length > POOL.length) throw new RangeError(`at most ${POOL.length} pooled random bytes`)
  if (poolAt + length > POOL.length) {
    randomFillSync(POOL)
    poolAt = 0
  }
  poolAt += length
  return POOL.subarray(poolAt - length, poolAt)
}
