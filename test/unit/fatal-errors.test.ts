/**
 * The daemons' last line of defence (client/cli/fatal-errors.ts), in a process of its own: an
 * error that escaped every handler is logged as one JSON line without the error's other
 * fields, the daemon is stopped, and the process exits with FATAL_EXIT_CODE.
 */
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FATAL_EXIT_CODE } from '../../client/cli/fatal-errors.ts'

const CHILD = join(import.meta.dirname, '../helpers/fatal-child.ts')

function runChild(kind: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--experimental-transform-types', '--disable-warning=ExperimentalWarning', CHILD, kind],
      { timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error == null ? 0 : typeof error.code === 'number' ? error.code : -1
        resolve({ code, stdout, stderr })
      },
    )
  })
}

describe('fatal errors of a daemon', () => {
  it('an unhandled rejection: one JSON line without secrets, a clean stop, exit code 70', async () => {
    const { code, stdout, stderr } = await runChild('rejection')
    expect(code).toBe(FATAL_EXIT_CODE)
    expect(stdout).toBe('stopping: unhandledRejection: Error\nstopped\n')
    const line = JSON.parse(stderr.trim())
    expect(line).toMatchObject({
      level: 'fatal',
      msg: 'unhandledRejection: the process stops',
      error: { name: 'Error', message: 'the disk is gone' },
    })
    expect(stderr).not.toContain('hunter2')
  })

  it('an uncaught exception: the same', async () => {
    const { code, stdout, stderr } = await runChild('exception')
    expect(code).toBe(FATAL_EXIT_CODE)
    expect(stdout).toBe('stopping: uncaughtException: TypeError\nstopped\n')
    expect(JSON.parse(stderr.trim()).error).toMatchObject({ name: 'TypeError', message: 'a bug' })
  })
})
