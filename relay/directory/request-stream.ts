/**
 * One directory stream, served: requests are read one after another (clients reuse a
 * stream, since opening one costs more than a lookup) until the client closes it or it
 * idles, and each gets exactly one answer or the stream ends.
 *
 * How it is kept: every read has a deadline (the first request `requestTimeoutMs`, later
 * ones `STREAM_IDLE_MS`) and every answer its own; a directory error is answered and the
 * stream stays usable, a malformed message is answered and the stream closed, a framing
 * error leaves the stream reset by its reader, anything else aborts the stream. An
 * announcement takes the stream over for its session's lifetime, so it must come first.
 */
import type { Logger, Stream } from '@libp2p/interface'
import { type FramedStream, isStreamEnd } from '../../network/index.ts'
import { decodeMessage } from '../../protocol/codec.ts'
import {
  DirectoryError,
  DirectoryRequestError,
  RateLimitedError,
} from '../../protocol/directory-errors.ts'
import { FramingError } from '../../protocol/errors.ts'
import { MAX_DIRECTORY_MESSAGE_SIZE } from '../../protocol/limits.ts'
import { DirectoryRequest, DirectoryResponse } from '../../protocol/proto/directory.ts'
import {
  DIRECTORY_REQUEST_KINDS,
  type DirectoryMetrics,
  type DirectoryRequestKind,
  type RejectionReason,
} from './metrics.ts'

/** A reused stream that carries no request for this long is closed. */
const STREAM_IDLE_MS = 30_000

export interface RequestHandlers {
  /** Answers one request/response operation (register and release also exchange a challenge). */
  dispatch(request: DirectoryRequest): Promise<Partial<DirectoryResponse>>
  /** Takes the stream over for a session announcement; called only for a stream's first request. */
  announce(bytes: Uint8Array, signal: AbortSignal): Promise<void>
}

export interface RequestStreamOptions {
  requestTimeoutMs: number
  log: Logger
  metrics: DirectoryMetrics
}

export async function serveRequests(
  stream: Stream,
  lp: FramedStream,
  handlers: RequestHandlers,
  options: RequestStreamOptions,
): Promise<void> {
  const { requestTimeoutMs } = options
  for (let first = true; ; first = false) {
    let request: DirectoryRequest
    try {
      const wait = first ? requestTimeoutMs : STREAM_IDLE_MS
      request = await readRequest(lp, AbortSignal.timeout(wait))
    } catch (err) {
      if (!first && isEndOfStream(err)) await closeQuietly(stream)
      else await refuse(stream, lp, err, AbortSignal.timeout(requestTimeoutMs), options)
      return
    }
    const signal = AbortSignal.timeout(requestTimeoutMs)
    try {
      if (request.announce != null) {
        if (!first) throw new DirectoryRequestError('an announcement must open its own stream')
        await handlers.announce(request.announce, signal)
        return
      }
      const started = performance.now()
      const kind = requestKind(request)
      try {
        const response = await handlers.dispatch(request)
        await lp.write(DirectoryResponse.encode(response), { signal })
        observe(options.metrics, kind, 'answered', started)
      } catch (err) {
        observe(options.metrics, kind, 'refused', started)
        throw err
      }
    } catch (err) {
      if (!(await refuse(stream, lp, err, signal, options))) return
    }
  }
}

function requestKind(request: DirectoryRequest): DirectoryRequestKind | 'unknown' {
  return DIRECTORY_REQUEST_KINDS.find((kind) => request[kind] != null) ?? 'unknown'
}

function observe(
  metrics: DirectoryMetrics,
  kind: string,
  outcome: 'answered' | 'refused',
  started: number,
): void {
  metrics.requestSeconds.observe({ kind, outcome }, (performance.now() - started) / 1_000)
}

/** Reads and decodes the next request on the stream (also the answer to a challenge). */
export async function readRequest(
  lp: FramedStream,
  signal: AbortSignal,
): Promise<DirectoryRequest> {
  const bytes = await lp.read({ signal })
  return decodeMessage(DirectoryRequest, bytes, {
    maxSize: MAX_DIRECTORY_MESSAGE_SIZE,
    what: 'directory request',
  })
}

/**
 * Answers a failure. A directory error leaves the stream usable (returns true); a
 * malformed message gets its answer and the stream is closed; anything else aborts it.
 */
async function refuse(
  stream: Stream,
  lp: FramedStream,
  err: unknown,
  signal: AbortSignal,
  { log, metrics }: RequestStreamOptions,
): Promise<boolean> {
  if (err instanceof FramingError) {
    // The reader has reset the stream: nothing can be answered on it. At debug: a stranger
    // makes as many as it likes (counted below; the framing penalty is logged).
    log('reset a directory stream: %s', err.message)
    metrics.rejections.inc({ reason: 'framing' })
    return false
  }
  const failure = err instanceof DirectoryError ? err : undefined
  const malformed =
    (err as Error)?.name === 'MalformedMessageError' ||
    (err as Error)?.name === 'OversizedMessageError'
  if (failure == null && !malformed) {
    log('directory stream failed - %e', err)
    stream.abort(err as Error)
    return false
  }
  const code = failure?.code ?? 'bad-request'
  metrics.rejections.inc({ reason: code as RejectionReason })
  try {
    await lp.write(
      DirectoryResponse.encode({
        failure: {
          code,
          message: (err as Error).message,
          retryAfterMs: BigInt(err instanceof RateLimitedError ? err.retryAfterMs : 0),
        },
      }),
      { signal },
    )
    if (failure != null) return true
    await stream.close({ signal })
  } catch (writeErr) {
    stream.abort(writeErr as Error)
  }
  return false
}

function isEndOfStream(err: unknown): boolean {
  const name = (err as Error)?.name
  return (
    isStreamEnd(err) ||
    name === 'StreamStateError' ||
    name === 'AbortError' ||
    name === 'TimeoutError'
  )
}

async function closeQuietly(stream: Stream): Promise<void> {
  try {
    await stream.close({ signal: AbortSignal.timeout(1_000) })
  } catch (err) {
    stream.abort(err as Error)
  }
}
