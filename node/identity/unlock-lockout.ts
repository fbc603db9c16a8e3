/**
 * Slows down password guessing through the node: after LOCKOUT_FREE_FAILURES wrong passwords
 * in a row, each further attempt must wait 1 s, 2 s, 4 s ... up to 15 min. The count and the
 * time of the next allowed attempt live in a small file, so restarting the node does not
 * reset them. Someone who can read the keystore file can guess offline and is slowed only by
 * scrypt; this guards the paths that go through the node (local API, CLI).
 */
import { readFile, rm } from 'node:fs/promises'
import { KeystoreLockedError } from '../errors.ts'
import { writeFileAtomic } from './atomic-file.ts'

export const LOCKOUT_FREE_FAILURES = 5
export const LOCKOUT_FIRST_DELAY_MS = 1000
export const LOCKOUT_MAX_DELAY_MS = 15 * 60 * 1000

export interface LockoutStatus {
  /** Wrong passwords in a row since the last success. */
  failures: number
  /** 0 when an attempt may be made now. */
  retryAfterMs: number
}

interface LockoutRecord {
  failures: number
  /** Epoch milliseconds before which no attempt is allowed. */
  notBefore: number
}

/** The wait imposed after `failures` wrong passwords in a row. */
export function lockoutDelayMs(failures: number): number {
  if (failures < LOCKOUT_FREE_FAILURES) return 0
  const doublings = failures - LOCKOUT_FREE_FAILURES
  return Math.min(LOCKOUT_FIRST_DELAY_MS * 2 ** doublings, LOCKOUT_MAX_DELAY_MS)
}

export class UnlockLockout {
  readonly path: string
  readonly #now: () => number

  constructor(path: string, now: () => number) {
    this.path = path
    this.#now = now
  }

  async status(): Promise<LockoutStatus> {
    const { failures, notBefore } = await this.#read()
    // Clamped so a clock set backwards cannot lock the user out for longer than the cap.
    const retryAfterMs = Math.min(Math.max(notBefore - this.#now(), 0), LOCKOUT_MAX_DELAY_MS)
    return { failures, retryAfterMs }
  }

  /** Throws KeystoreLockedError, without waiting, while an attempt is not allowed. */
  async check(): Promise<void> {
    const { retryAfterMs } = await this.status()
    if (retryAfterMs > 0) throw new KeystoreLockedError(retryAfterMs)
  }

  async recordFailure(): Promise<void> {
    const failures = (await this.#read()).failures + 1
    const record: LockoutRecord = { failures, notBefore: this.#now() + lockoutDelayMs(failures) }
    await writeFileAtomic(this.path, new TextEncoder().encode(`${JSON.stringify(record)}\n`))
  }

  async reset(): Promise<void> {
    await rm(this.path, { force: true })
  }

  async #read(): Promise<LockoutRecord> {
    let text: string
    try {
      text = await readFile(this.path, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { failures: 0, notBefore: 0 }
      throw err
    }
    try {
      const { failures, notBefore } = JSON.parse(text)
      if (Number.isSafeInteger(failures) && failures >= 0 && Number.isFinite(notBefore)) {
        return { failures, notBefore }
      }
    } catch {}
    // A damaged record is read as "at the threshold": the next wrong password is delayed,
    // but a user with the right password is not locked out.
    return { failures: LOCKOUT_FREE_FAILURES, notBefore: 0 }
  }
}
