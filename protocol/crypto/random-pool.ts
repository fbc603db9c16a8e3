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
 * Fills `target` (at most the pool's 8 KiB) with fresh random bytes and returns it. The
 * bytes are copied out of the pool: a caller never holds a view that the next call reuses.
 */
export function fillRandom(target: Uint8Array): Uint8Array {
  const length = target.length
  if (length > POOL.length) throw new RangeError(`at most ${POOL.length} pooled random bytes`)
  if (poolAt + length > POOL.length) {
    randomFillSync(POOL)
    poolAt = 0
  }
  target.set(POOL.subarray(poolAt, poolAt + length))
  poolAt += length
  return target
}
