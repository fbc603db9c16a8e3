import { CommanderError } from 'commander'
import { describe, expect, it } from 'vitest'
import { EXIT_CODES, exitCodeOf } from '../../client/cli/exit-codes.ts'
import { ApiRequestError, NodeNotRunningError, UsageError } from '../../client/errors.ts'
import { WrongPasswordError } from '../../node/index.ts'
import { ExpectationFailedError } from '../../sim/errors.ts'

describe('exit codes', () => {
  it('give each kind of outcome its own code', () => {
    expect(exitCodeOf(new UsageError('two peers given'))).toBe(EXIT_CODES.usage)
    expect(exitCodeOf(new CommanderError(1, 'commander.unknownOption', 'unknown option'))).toBe(
      EXIT_CODES.usage,
    )
    expect(exitCodeOf(new NodeNotRunningError('no node'))).toBe(EXIT_CODES.notRunning)
    expect(exitCodeOf(new ExpectationFailedError('p99'))).toBe(EXIT_CODES.expectationFailed)
    expect(exitCodeOf(new ApiRequestError('NotFriendError', 'not a friend', 409))).toBe(
      EXIT_CODES.failed,
    )
    expect(exitCodeOf(new WrongPasswordError('identity.key'))).toBe(EXIT_CODES.failed)
  })

  it('count an error no code names as internal: a bug, not a refusal', () => {
    expect(exitCodeOf(new TypeError("cannot read properties of undefined (reading 'id')"))).toBe(
      EXIT_CODES.internal,
    )
    expect(exitCodeOf(new Error('plain'))).toBe(EXIT_CODES.internal)
    expect(exitCodeOf('a thrown string')).toBe(EXIT_CODES.internal)
  })

  it('are distinct', () => {
    const codes = Object.values(EXIT_CODES)
    expect(new Set(codes).size).toBe(codes.length)
  })
})
