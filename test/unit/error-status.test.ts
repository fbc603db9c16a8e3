import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { errorKindOf, statusOfError } from '../../node/api/error-status.ts'
import {
  DataDirLockedError,
  KeystoreBusyError,
  NodeStoppedError,
  WeakPasswordError,
  WrongPasswordError,
} from '../../node/index.ts'

function named(name: string): Error {
  const error = new Error('x')
  error.name = name
  return error
}

/** Every error name the node's and protocol's sources declare. */
function declaredErrorNames(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .flatMap((file) => [
      ...readFileSync(join(folder, file), 'utf8').matchAll(/name = '([A-Za-z]+Error)'/g),
    ])
    .map(([, name]) => name)
}

describe('local API error statuses', () => {
  it('give each kind of error its status', () => {
    expect(statusOfError(new NodeStoppedError('stopping'))).toBe(503)
    expect(statusOfError(new KeystoreBusyError(1_000))).toBe(503)
    expect(statusOfError(named('FriendNotFoundError'))).toBe(404)
    expect(statusOfError(named('AlreadyFriendsError'))).toBe(409)
    expect(statusOfError(new DataDirLockedError('held'))).toBe(409)
    expect(statusOfError(named('RateLimitedError'))).toBe(429)
    expect(statusOfError(named('TwoFactorLockedError'))).toBe(423)
    expect(statusOfError(new WrongPasswordError('identity.key'))).toBe(403)
    expect(statusOfError(named('TwoFactorCodeReusedError'))).toBe(403)
    expect(statusOfError(named('RoomPermissionError'))).toBe(403)
    expect(statusOfError(new WeakPasswordError('too short'))).toBe(400)
    expect(statusOfError(named('InvalidNameError'))).toBe(400)
  })

  it('count only JavaScript’s own errors as internal, never one the node declares', () => {
    expect(errorKindOf(new TypeError('x'))).toBe('internal')
    expect(errorKindOf('a string')).toBe('internal')
    const names = ['node', 'protocol', 'network'].flatMap(declaredErrorNames)
    expect(names.length).toBeGreaterThan(100)
    expect(names.filter((name) => errorKindOf(named(name)) === 'internal')).toEqual([])
  })
})
