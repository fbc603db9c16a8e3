/**
 * The error a local API route throws to answer with a status of its choosing: the server
 * answers it with the error body, whose kind the status gives (protocol/local-api/error-kinds.ts).
 * Its own module, so that what both the server and the routes' helpers use makes no cycle.
 */

/** An error a route throws to answer with a given HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    override readonly name: string,
    message: string,
    /** Extra fields of the error body, e.g. `retryAfterMs`. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message)
  }
}
