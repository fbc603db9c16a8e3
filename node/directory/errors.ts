/** Errors of the node's side of the directory; each `name` is stable. */
import { NodeError } from '../errors.ts'

/** The directory (names, renewals, the single session) was used after the node stopped. */
export class DirectoryStoppedError extends NodeError {
  override name = 'DirectoryStoppedError'
}
