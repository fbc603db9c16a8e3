/**
 * Slows down password guessing through the node: after LOCKOUT_FREE_FAILURES wrong passwords
 * in a row, each further attempt must wait 1 s, 2 s, 4 s ... up to 15 min.
 *
 * How it holds:
 * - Every process sees one count. The count lives in `lockout-record.ts`, whose changes are
 *   transactions under an exclusive file lock, so ten processes trying at once take turns:
 *   five are counted, the rest are refused, and no increment is lost.
 * - An attempt is counted before the password is tried, as a smart card counts a PIN try,
 *   and only a success sets the count back to zero. Killing a process while it derives the
 *   key therefore cannot save a guess. An attempt that fails for another reason than the
 *   password (scrypt could not run, a damaged key file) is given back.
 * - Deleting or damaging the record fails closed. The node's own keystore file has sealed-key
 *   version 2, which says "a lockout record sits beside me"; the version is part of the AEAD's
 *   associated data, so lowering it to 1 makes every password fail. A version-2 keystore
 *   without a readable record is treated as locked for the longest wait, which is stored, so
 *   deleting the record again only restarts that wait. Version-1 files (exports, and
 *   keystores of older releases with their `identity.lockout.json`) have no record yet: the
 *   old file's count is taken over, and the first success reseals the keystore as version 2.
 *
 * Wrong two-factor codes meet the same rules with a count of their own (one record file, two
 * tables): a right password must not wipe the count of wrong codes, or whoever knows the
 * password could guess codes forever. A code is checked inside the record's transaction
 * (`attempt`), so its count, its replay check and a recovery code's use are one step.
 *
 * What it cannot do: someone who can write the data folder can put back an older copy of the
 * record, and someone who can read it can copy `identity.key` and guess offline, slowed only
 * by scrypt. The lockout guards the paths that go through TokenIM (local API, CLI).
 */
import { readFile, rm } from 'node:fs/promises'
import { KeystoreLockedError } from '../errors.ts'
import type { LockoutRecord, LockoutState } from './lockout-record.ts'

export const LOCKOUT_FREE_FAILURES = 5
export const LOCKOUT_FIRST_DELAY_MS = 1000
export const LOCKOUT_MAX_DELAY_MS = 15 * 60 * 1000

export interface LockoutStatus {
  /** Wrong passwords in a row since the last success. */
  failures: number
  /** 0 when an attempt may be made now. */
  retryAfterMs: number
}

/** The wait imposed after `failures` wrong passwords in a row. */
export function lockoutDelayMs(failures: number): number {
  if (failures < LOCKOUT_FREE_FAILURES) return 0
  const doublings = failures - LOCKOUT_FREE_FAILURES
  return Math.min(LOCKOUT_FIRST_DELAY_MS * 2 ** doublings, LOCKOUT_MAX_DELAY_MS)
}

/** The fewest failures that impose the longest wait: what a missing record counts as. */
const FAIL_CLOSED_FAILURES = (() => {
  let failures = LOCKOUT_FREE_FAILURES
  while (lockoutDelayMs(failures) < LOCKOUT_MAX_DELAY_MS) failures++
  return failures
})()

const CLEAN: LockoutState = { failures: 0, notBefore: 0 }

export interface UnlockLockoutInit {
  record: LockoutRecord
  /** The record of releases before it moved into `record`; read once, then removed. @default none */
  legacyPath?: string
  now: () => number
  /** What a refused attempt throws. @default KeystoreLockedError (wrong passwords) */
  lockedError?: (retryAfterMs: number) => KeystoreLockedError
}

/** What `attempt` decided: a success, with the TOTP step to remember, or the error to throw. */
export type AttemptVerdict<T> =
  | { ok: true; value: T; lastStep?: number }
  | { ok: false; error: Error }

/**
 * `required` says whether the keystore must have a record (sealed-key version 2), so that
 * a missing one means "locked" rather than "never failed".
 */
export class UnlockLockout {
  readonly #init: UnlockLockoutInit

  constructor(init: UnlockLockoutInit) {
    this.#init = init
  }

  async status(required: boolean): Promise<LockoutStatus> {
    const stored = await this.#init.record.read()
    const state = stored ?? (required ? this.#failClosed() : await this.#legacy())
    return { failures: state.failures, retryAfterMs: this.#retryAfterMs(state) }
  }

  /**
   * Counts one attempt, before the password is tried. Throws KeystoreLockedError, without
   * counting, while an attempt is not allowed.
   */
  async begin(required: boolean): Promise<void> {
    const legacy = required ? undefined : await this.#legacy()
    const retryAfterMs = await this.#init.record.transact((stored) => {
      if (stored == null && required) {
        const locked = this.#failClosed()
        return { next: locked, result: this.#retryAfterMs(locked) }
      }
      const state = stored ?? legacy ?? CLEAN
      const wait = this.#retryAfterMs(state)
      if (wait > 0) return { next: stored == null ? state : undefined, result: wait }
      const failures = state.failures + 1
      return {
        next: { failures, notBefore: this.#init.now() + lockoutDelayMs(failures) },
        result: 0,
      }
    })
    if (retryAfterMs > 0) throw this.#locked(retryAfterMs)
  }

  /**
   * Counts one attempt and runs `check` on the stored state, in one transaction. A success sets
   * the count to zero (keeping or advancing `lastStep`); a failure is counted, stored, and its
   * error thrown. While an attempt is not allowed, `check` is not run. `check` may write files:
   * every other process waits meanwhile; if it throws, nothing is counted.
   */
  async attempt<T>(
    required: boolean,
    check: (state: LockoutState) => Promise<AttemptVerdict<T>> | AttemptVerdict<T>,
  ): Promise<T> {
    const outcome = await this.#init.record.transact<
      { locked: number } | { verdict: AttemptVerdict<T> }
    >(async (stored) => {
      if (stored == null && required) {
        const locked = this.#failClosed()
        return { next: locked, result: { locked: this.#retryAfterMs(locked) } }
      }
      const state = stored ?? CLEAN
      const wait = this.#retryAfterMs(state)
      if (wait > 0) return { next: stored == null ? state : undefined, result: { locked: wait } }
      const verdict = await check(state)
      if (verdict.ok) {
        const lastStep = Math.max(state.lastStep ?? 0, verdict.lastStep ?? 0)
        return { next: { failures: 0, notBefore: 0, lastStep }, result: { verdict } }
      }
      const failures = state.failures + 1
      const notBefore = this.#init.now() + lockoutDelayMs(failures)
      return { next: { ...state, failures, notBefore }, result: { verdict } }
    })
    if ('locked' in outcome) throw this.#locked(outcome.locked)
    if (!outcome.verdict.ok) throw outcome.verdict.error
    return outcome.verdict.value
  }
  /** Gives back the attempt of begin() when it failed for another reason than the password. */
  async refund(): Promise<void> {
    await this.#init.record.transact((stored) => ({
      next:
        stored == null
          ? undefined
          : { failures: Math.max(0, stored.failures - 1), notBefore: stored.notBefore },
      result: undefined,
    }))
  }

  /**
   * After a success, or for a new password: zero, kept as a record (never deleted). `lastStep`
   * is the step of the code that turned two-factor checks on, so that code cannot be used again.
   */
  async reset(lastStep?: number): Promise<void> {
    await this.#init.record.transact(() => ({ next: { ...CLEAN, lastStep }, result: undefined }))
    if (this.#init.legacyPath != null) await rm(this.#init.legacyPath, { force: true })
  }

  #locked(retryAfterMs: number): KeystoreLockedError {
    return this.#init.lockedError?.(retryAfterMs) ?? new KeystoreLockedError(retryAfterMs)
  }

  #retryAfterMs({ notBefore }: LockoutState): number {
    // Clamped so a clock set backwards cannot lock the user out for longer than the cap.
    return Math.min(Math.max(notBefore - this.#init.now(), 0), LOCKOUT_MAX_DELAY_MS)
  }

  #failClosed(): LockoutState {
    return { failures: FAIL_CLOSED_FAILURES, notBefore: this.#init.now() + LOCKOUT_MAX_DELAY_MS }
  }

  /** The count an older release kept in its JSON file; a damaged one reads as the threshold. */
  async #legacy(): Promise<LockoutState> {
    if (this.#init.legacyPath == null) return CLEAN
    let text: string
    try {
      text = await readFile(this.#init.legacyPath, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return CLEAN
      throw err
    }
    try {
      const { failures, notBefore } = JSON.parse(text)
      if (Number.isSafeInteger(failures) && failures >= 0 && Number.isFinite(notBefore)) {
        return { failures, notBefore }
      }
    } catch {}
    return { failures: LOCKOUT_FREE_FAILURES, notBefore: 0 }
  }
}
