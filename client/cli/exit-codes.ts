/**
 * The exit codes of every `tokenim` command, one per kind of outcome, so that a script can
 * tell a refused request from a mistake in its own arguments, a stopped node, a failed
 * simulation and a bug. Numbers above 2 follow sysexits.h, as service managers expect.
 */
import { CommanderError } from 'commander'
import { isUnexpectedError } from '../../protocol/errors.ts'
import { NodeNotRunningError, NodeStartFailedError, UsageError } from '../errors.ts'

export const EXIT_CODES = {
  /** The command did what it was asked. */
  ok: 0,
  /** The node or the command refused it; the error's name says why (NotFriendError, …). */
  failed: 1,
  /** `sim run` ran the scenario, and an expectation was not met. */
  expectationFailed: 2,
  /** EX_USAGE: an unknown command or option, a missing or conflicting argument. */
  usage: 64,
  /** EX_DATAERR: the data dir is in a newer format than this release reads (README, "Upgrades"). */
  newerDataFormat: 65,
  /** EX_UNAVAILABLE: no node runs on the data dir the command talks to. */
  notRunning: 69,
  /** EX_SOFTWARE: an error no code expected (a bug), or the fatal error of a running daemon. */
  internal: 70,
} as const

export function exitCodeOf(error: unknown): number {
  if (error instanceof CommanderError)
    return error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage
  if (error instanceof UsageError) return EXIT_CODES.usage
  if (error instanceof NodeNotRunningError) return EXIT_CODES.notRunning
  if (error instanceof NodeStartFailedError) return error.exitCode
  // By name: the simulation's and the node's error classes would load them into every command.
  const name = (error as Error | undefined)?.name
  if (name === 'ExpectationFailedError') return EXIT_CODES.expectationFailed
  if (name === 'DataFormatTooNewError') return EXIT_CODES.newerDataFormat
  if (isUnexpectedError(error)) return EXIT_CODES.internal
  return EXIT_CODES.failed
}
