/**
 * Errors of the relay daemon. Each has a stable `name` (matched by the CLI and tests) and a
 * message an operator can act on. Config errors reuse the node's `InvalidConfigError`, so
 * both daemons report a bad setting the same way.
 */
export { DataDirLockedError, InvalidConfigError } from '../node/index.ts'

export class RelayError extends Error {
  override name = 'RelayError'
}

/** The relay's key file exists but cannot be read as a relay key. */
export class RelayKeyError extends RelayError {
  override name = 'RelayKeyError'

  constructor(path: string, detail: string) {
    super(
      `${path} is not a usable relay key (${detail}). Restore it from a backup; deleting it gives the relay a new peer id that every node must be told.`,
    )
  }
}

/** stop() was called while the relay started: what had started is released again. */
export class RelayStoppedError extends RelayError {
  override name = 'RelayStoppedError'
}

/** The relay's host was read before start() built it. */
export class RelayNotStartedError extends RelayError {
  override name = 'RelayNotStartedError'
}

/** The username directory was used after the relay stopped. */
export class DirectoryServerStoppedError extends RelayError {
  override name = 'DirectoryServerStoppedError'
}

/** No relay runs on the data dir (no status file, or its process is gone). */
export class RelayNotRunningError extends RelayError {
  override name = 'RelayNotRunningError'

  constructor(dataDir: string) {
    super(
      `no relay is running on ${dataDir}: start one with "tokenim relay start", or pass the relay's --data-dir`,
    )
  }
}

/** `relay init` would overwrite an existing config or key. */
export class RelayExistsError extends RelayError {
  override name = 'RelayExistsError'

  constructor(path: string) {
    super(`${path} already exists; remove it first or choose another --data-dir`)
  }
}
