/**
 * The stored state of the unlock lockout, shared by every process that opens the same data
 * folder (the node, each `tokenim key ...` command). It lives in a one-row SQLite table, and
 * every change runs as one `BEGIN IMMEDIATE` transaction: SQLite takes an exclusive POSIX
 * lock on the file for the read-check-write, so concurrent processes take turns and no
 * increment is lost. The kernel drops the lock when its holder dies, so a killed process
 * leaves no stale lock to guess about, and the rollback journal undoes its half-written
 * transaction. A waiter polls (without blocking the event loop) for at most
 * LOCKOUT_LOCK_WAIT_MS, then gives up with KeystoreBusyError. COMMIT and plain reads poll the
 * same way: a process trying BEGIN IMMEDIATE holds a shared lock for an instant, and a
 * COMMIT (or a read during one) that meets it is refused with SQLITE_BUSY, to be tried again.
 *
 * One file holds two counts, each a one-row table: wrong passwords (`lockout`) and wrong
 * two-factor codes (`second_factor`, which also keeps the last time step a code was accepted
 * for, so no code is accepted twice). A transaction on either locks the whole file, so the
 * keystore also uses one to replace its file without racing another process.
 *
 * This module only stores; `unlock-lockout.ts` decides what the state means.
 */
import { randomInt } from 'node:crypto'
import { existsSync } from 'node:fs'
import { open, rename } from 'node:fs/promises'
import { DatabaseSync } from 'node:sqlite'
import { setTimeout as sleep } from 'node:timers/promises'
import { KeystoreBusyError } from '../errors.ts'

/** Longest wait for another process's lockout transaction (each lasts milliseconds). */
export const LOCKOUT_LOCK_WAIT_MS = 10_000

export interface LockoutState {
  /** Password attempts counted since the last success. */
  failures: number
  /** Epoch milliseconds before which no attempt is allowed. */
  notBefore: number
  /** Second factor only: the newest TOTP time step a code was accepted for. */
  lastStep?: number
}

/** Which count a record keeps: a table of its own in the shared file. */
export interface LockoutTable {
  name: string
  /** Whether it keeps `lastStep`. */
  withLastStep: boolean
}

export const PASSWORD_ATTEMPTS: LockoutTable = { name: 'lockout', withLastStep: false }
export const SECOND_FACTOR_ATTEMPTS: LockoutTable = { name: 'second_factor', withLastStep: true }

/** What one transaction decided: `next` is stored (when given), `result` returned. */
export interface LockoutChange<T> {
  next?: LockoutState
  result: T
}

type Decide<T> = (state: LockoutState | undefined) => LockoutChange<T> | Promise<LockoutChange<T>>

const SQLITE_BUSY = 5
const SQLITE_CORRUPT = 11
const SQLITE_NOTADB = 26

function schemaOf({ name, withLastStep }: LockoutTable): string {
  const lastStep = withLastStep ? ', last_step INTEGER NOT NULL DEFAULT 0' : ''
  return `CREATE TABLE IF NOT EXISTS ${name} (id INTEGER PRIMARY KEY CHECK (id = 1), failures INTEGER NOT NULL, not_before INTEGER NOT NULL${lastStep})`
}

export class LockoutRecord {
  readonly path: string
  readonly #lockWaitMs: number
  readonly #table: LockoutTable

  constructor(path: string, lockWaitMs = LOCKOUT_LOCK_WAIT_MS, table = PASSWORD_ATTEMPTS) {
    this.path = path
    this.#lockWaitMs = lockWaitMs
    this.#table = table
  }

  /** The same file's record of another count. */
  withTable(table: LockoutTable): LockoutRecord {
    return new LockoutRecord(this.path, this.#lockWaitMs, table)
  }

  /** The stored state; undefined when there is none or it cannot be read. */
  async read(): Promise<LockoutState | undefined> {
    // Checked first, as opening would create the file.
    if (!existsSync(this.path)) return undefined
    try {
      return await this.#withDatabase((db) =>
        whileBusy(() => readState(db, this.#table), this.#lockWaitMs),
      )
    } catch (err) {
      if (isDamaged(err)) return undefined
      throw err
    }
  }

  /**
   * Runs `decide` on the stored state (undefined when there is none or it was damaged) and
   * stores its `next`, all while every other process waits. A damaged file is set aside as
   * `<file>.damaged` and replaced. `decide` may be async: the keystore replaces its file
   * inside it, so a file read and written there cannot change under it. Throwing from
   * `decide` stores nothing.
   */
  async transact<T>(decide: Decide<T>): Promise<T> {
    try {
      return await this.#exclusively(decide)
    } catch (err) {
      if (!isDamaged(err)) throw err
      await rename(this.path, `${this.path}.damaged`)
      return this.#exclusively(() => decide(undefined))
    }
  }

  async #exclusively<T>(decide: Decide<T>): Promise<T> {
    // Created owner-only before SQLite opens it; SQLite gives its journal the same mode.
    await (await open(this.path, 'a', 0o600)).close()
    return this.#withDatabase(async (db) => {
      await whileBusy(() => db.exec('BEGIN IMMEDIATE'), this.#lockWaitMs)
      try {
        db.exec(schemaOf(this.#table))
        const { next, result } = await decide(readState(db, this.#table))
        if (next != null) writeState(db, this.#table, next)
        await whileBusy(() => db.exec('COMMIT'), this.#lockWaitMs)
        return result
      } catch (err) {
        if (db.isTransaction) db.exec('ROLLBACK')
        throw err
      }
    })
  }

  async #withDatabase<T>(use: (db: DatabaseSync) => T | Promise<T>): Promise<T> {
    // Opened per operation: a few hundred microseconds, and no handle to keep or close.
    const db = new DatabaseSync(this.path)
    try {
      return await use(db)
    } finally {
      db.close()
    }
  }
}

/**
 * Runs `step` until SQLite stops answering SQLITE_BUSY, polling so a waiting process never
 * blocks its event loop; after `waitMs`, KeystoreBusyError.
 */
async function whileBusy<T>(step: () => T, waitMs: number): Promise<T> {
  const deadline = Date.now() + waitMs
  for (;;) {
    try {
      return step()
    } catch (err) {
      if (errorCode(err) !== SQLITE_BUSY) throw err
      if (Date.now() >= deadline) throw new KeystoreBusyError(waitMs)
      await sleep(randomInt(2, 20))
    }
  }
}

function readState(db: DatabaseSync, table: LockoutTable): LockoutState | undefined {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")
  if (exists.get(table.name) == null) return undefined
  const row = db.prepare(`SELECT * FROM ${table.name} WHERE id = 1`).get()
  if (row == null) return undefined
  const { failures, not_before: notBefore, last_step: lastStep } = row
  if (!Number.isSafeInteger(failures) || (failures as number) < 0) return undefined
  if (!Number.isFinite(notBefore)) return undefined
  const state: LockoutState = { failures: failures as number, notBefore: notBefore as number }
  if (table.withLastStep) {
    if (!Number.isSafeInteger(lastStep)) return undefined
    state.lastStep = lastStep as number
  }
  return state
}

function writeState(db: DatabaseSync, table: LockoutTable, state: LockoutState): void {
  if (table.withLastStep) {
    db.prepare(
      `INSERT OR REPLACE INTO ${table.name} (id, failures, not_before, last_step) VALUES (1, ?, ?, ?)`,
    ).run(state.failures, state.notBefore, state.lastStep ?? 0)
  } else {
    db.prepare(
      `INSERT OR REPLACE INTO ${table.name} (id, failures, not_before) VALUES (1, ?, ?)`,
    ).run(state.failures, state.notBefore)
  }
}

function isDamaged(err: unknown): boolean {
  const code = errorCode(err)
  return code === SQLITE_NOTADB || code === SQLITE_CORRUPT
}

function errorCode(err: unknown): number | undefined {
  return (err as { errcode?: number }).errcode
}
