/**
 * What an error means to a local-API client, and the HTTP status that says it: one table
 * from kinds to statuses, and the rules that give each of the node's errors its kind by its
 * stable name (`FriendNotFoundError` is not-found, `NodeStoppedError` unavailable). An error
 * of JavaScript's own (TypeError, …) is a bug: internal, 500. Routes that know better throw
 * an ApiError with its status.
 */

import { isUnexpectedError } from '../../protocol/errors.ts'
import type { ApiErrorKind } from '../../protocol/local-api.ts'

export const ERROR_KIND_STATUS: Record<ApiErrorKind, number> = {
  /** The request is wrong: a field, a name, a size. */
  invalid: 400,
  /** Not allowed for this caller: a wrong password or code, a missing permission. */
  forbidden: 403,
  'not-found': 404,
  /** It clashes with what exists: already there, taken, changed meanwhile. */
  conflict: 409,
  /** Locked out for a while after failed attempts. */
  locked: 423,
  'rate-limited': 429,
  internal: 500,
  /** The node, or the peer or service it needs, cannot serve it now: try again later. */
  unavailable: 503,
}

/** Checked in order: the first pattern the error's name matches gives its kind. */
const KIND_BY_NAME: Array<[RegExp, ApiErrorKind]> = [
  [/NotFound/, 'not-found'],
  // Another process holds the data dir: a clash, not a lockout.
  [/DataDirLocked/, 'conflict'],
  [/Locked(Out)?Error$/, 'locked'],
  [/RateLimited|QuotaExceeded|InboxFull/, 'rate-limited'],
  [/Stopped|NotStarted|Unavailable|Unreachable|Busy/, 'unavailable'],
  [/WrongPassword|CodeWrong|Reused|Required|Permission|NotRoomMember|Blocked/, 'forbidden'],
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

/** The kind a status given by a route stands for (401 a missing token, 413 a body too big). */
export function kindOfStatus(status: number): ApiErrorKind {
  const kind = (Object.keys(ERROR_KIND_STATUS) as ApiErrorKind[]).find(
    (k) => ERROR_KIND_STATUS[k] === status,
  )
  if (kind != null) return kind
  if (status === 401) return 'forbidden'
  // 410: events no longer kept for replay.
  if (status === 410) return 'not-found'
  return status >= 500 ? 'internal' : 'invalid'
}
