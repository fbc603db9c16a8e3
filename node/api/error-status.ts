/**
 * What an error means to a local-API client: the rules that give each of the node's errors
 * its kind by its stable name (`FriendNotFoundError` is not-found, `NodeStoppedError`
 * unavailable). The one table from kinds to HTTP statuses is `ERROR_KIND_STATUS`
 * (protocol/local-api/error-kinds.ts), which the OpenAPI document lists too. An error of
 * JavaScript's own (TypeError, …) is a bug: internal, 500. Routes that know better throw an
 * ApiError with its status.
 */

import { isUnexpectedError } from '../../protocol/errors.ts'
import { ERROR_KIND_STATUS } from '../../protocol/local-api/error-kinds.ts'
import type { ApiErrorKind } from '../../protocol/local-api.ts'

/** Checked in order: the first pattern the error's name matches gives its kind. */
const KIND_BY_NAME: Array<[RegExp, ApiErrorKind]> = [
  [/NotFound/, 'not-found'],
  // Another process holds the data dir: a clash, not a lockout.
  [/DataDirLocked/, 'conflict'],
  [/Locked(Out)?Error$/, 'locked'],
  [/RateLimited|QuotaExceeded|InboxFull/, 'rate-limited'],
  [/Stopped|NotStarted|Unavailable|Unreachable|Busy/, 'unavailable'],
  [
    /WrongPassword|WrongPhrase|CodeWrong|Reused|Required|Permission|NotRoomMember|Blocked|Revoked/,
    'forbidden',
  ],
  [/Already|Exists|Taken|Duplicate|Conflict|Changed|Used/, 'conflict'],
]

export function errorKindOf(error: unknown): ApiErrorKind {
  if (isUnexpectedError(error)) return 'internal'
  const { name } = error as Error
  return KIND_BY_NAME.find(([pattern]) => pattern.test(name))?.[1] ?? 'invalid'
}

export function statusOfError(error: unknown): number {
  return ERROR_KIND_STATUS[errorKindOf(error)]
}
