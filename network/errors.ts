/**
 * Errors of the network layer (the building blocks node and relay share). The framing
 * violations a hostile peer causes extend protocol/errors.ts's FramingError (so one check
 * finds them all); the ends of a stream, which honest peers cause too, do not.
 */
import { FramingError } from '../protocol/errors.ts'

/** What the other errors of this layer extend that no protocol error already names. */
export class NetworkError extends Error {
  override name = 'NetworkError'
}

/** A frame begun and not finished within its deadline (a slowloris peer). */
export class FrameTimeoutError extends FramingError {
  override name = 'FrameTimeoutError'
}

/** More bytes arrived on a stream than it may hold unread (the peer ignored flow control). */
export class StreamOverflowError extends FramingError {
  override name = 'StreamOverflowError'
}

/** The peer closed the stream between frames: no more frames will come. */
export class StreamEndedError extends NetworkError {
  override name = 'StreamEndedError'
}

/** The stream ended inside a frame (the peer crashed, or cut its stream short). */
export class TruncatedFrameError extends NetworkError {
  override name = 'TruncatedFrameError'
}

/** True for the errors that only say the stream ended, cleanly or not. */
export function isStreamEnd(err: unknown): boolean {
  return err instanceof StreamEndedError || err instanceof TruncatedFrameError
}

/** What failed on one configured listen address, in the words of the transport. */
export interface ListenFailure {
  address: string
  reason: string
}

/**
 * The host could not listen on some configured addresses: each is named with its reason on
 * one line (libp2p's own error lists them on later lines, after advice about its internals).
 */
export class ListenFailedError extends NetworkError {
  override name = 'ListenFailedError'
  readonly failures: ListenFailure[]

  constructor(failures: ListenFailure[]) {
    const each = failures.map(({ address, reason }) => `${address} (${reason})`).join('; ')
    super(
      `cannot listen on ${each}: free the address or listen on another one (--listen, or listen in the config)`,
    )
    this.failures = failures
  }
}

/** A hole punch was not tried: one side was busy, over its rate, or knew no public address. */
export class PunchRefusedError extends NetworkError {
  override name = 'PunchRefusedError'
}

/** A hole punch was tried and gave no direct connection (the NATs let nothing through). */
export class PunchFailedError extends NetworkError {
  override name = 'PunchFailedError'
}
