/** Errors the client side shows to people; each `name` is stable for scripts and tests. */
export class ClientError extends Error {
  override name = 'ClientError'
}

/** No node answers on the data dir the command was pointed at. */
export class NodeNotRunningError extends ClientError {
  override name = 'NodeNotRunningError'

  constructor(readonly dataDir: string) {
    super(
      `no tokenim node is running on ${dataDir}: start one with "tokenim start --data-dir ${dataDir}"`,
    )
  }
}

/** The node answered a request with an error; `name` is the node's error name. */
export class ApiRequestError extends ClientError {
  constructor(
    override readonly name: string,
    message: string,
    readonly status: number,
  ) {
    super(message)
  }
}

/** A node started in the background exited at start-up; the command exits with its code. */
export class NodeStartFailedError extends ClientError {
  override name = 'NodeStartFailedError'

  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message)
  }
}

/** A command was used wrongly: missing input, conflicting options. */
export class UsageError extends ClientError {
  override name = 'UsageError'
}

/** Someone else holds the name on that relay: found before any sign-up check is started. */
export class NameTakenError extends ClientError {
  override name = 'NameTakenError'
}
