/**
 * The one table from an error's kind to the HTTP status that says it, shared by the server
 * (node/api/error-status.ts gives each error its kind) and the OpenAPI document (each route's
 * error answers). No schema code: clients may import it.
 */
import type { ApiErrorKind } from './common.ts'

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

/**
 * Statuses a route may give besides the table's: 401 (no or a wrong token), 410 (events no
 * longer kept), 413 (a body over the limit), each with its kind.
 */
export const OTHER_ERROR_STATUS_KIND: Record<number, ApiErrorKind> = {
  401: 'forbidden',
  410: 'not-found',
  413: 'invalid',
}

/** The kind a status given by a route stands for. */
export function kindOfStatus(status: number): ApiErrorKind {
  const kind = (Object.keys(ERROR_KIND_STATUS) as ApiErrorKind[]).find(
    (k) => ERROR_KIND_STATUS[k] === status,
  )
  return kind ?? OTHER_ERROR_STATUS_KIND[status] ?? (status >= 500 ? 'internal' : 'invalid')
}
