/** Errors the web client shows; `name` is the node's stable error name where it sent one. */

/** The node answered with an error body. */
export class ApiCallError extends Error {
  constructor(
    override readonly name: string,
    message: string,
    readonly status: number,
    /** KeystoreLockedError only. */
    readonly retryAfterMs?: number,
  ) {
    super(message)
  }
}

/** Nothing answers at the page's address: the node stopped or is restarting. */
export class NodeUnreachableError extends Error {
  override name = 'NodeUnreachableError'

  constructor() {
    super('Your node does not answer. Check that "tokenim start" is still running, then retry.')
  }
}

/** The sentence a person sees for a failed call: the node's own message unless a better one fits the browser. */
export function describeError(err: unknown): string {
  if (err instanceof ApiCallError) {
    if (err.status === 401) {
      return 'This page\'s access key is no longer valid: the node\'s token was replaced. Open the address that "tokenim api token" prints.'
    }
    if (err.name === 'WrongPasswordError') {
      return 'Wrong password. Try again, or restore your identity from its backup phrase if you forgot the password.'
    }
    return err.message
  }
  if (err instanceof Error) return err.message
  return String(err)
}
