/**
 * Directory messages on one stream to a relay (`/tokenim/directory/1.0.0`), and requests
 * pipelined on such a stream.
 *
 * Guarantees, and how they are kept:
 * - Every frame is bounded: the stream is a FramedStream with DIRECTORY_STREAM_LIMITS, and
 *   each response decodes within MAX_DIRECTORY_MESSAGE_SIZE.
 * - A relay's failure arrives as its DirectoryError class (`directoryErrorFromFailure`),
 *   never as a response to be read as success.
 * - A pipelined answer settles only its own request: the relay answers in order, so each
 *   response settles the oldest pending request, and anything that could break that order (a
 *   request given up on, a half-sent request, a stream error) ends the pipeline and rejects
 *   every request still waiting. The client then opens a new one.
 */
import type { Stream } from '@libp2p/interface'
import { FramedStream } from '../../network/index.ts'
import { decodeMessage } from '../../protocol/codec.ts'
import {
  DirectoryRequestError,
  directoryErrorFromFailure,
} from '../../protocol/directory-errors.ts'
import { DIRECTORY_STREAM_LIMITS, MAX_DIRECTORY_MESSAGE_SIZE } from '../../protocol/limits.ts'
import { DirectoryRequest, DirectoryResponse } from '../../protocol/proto/directory.ts'

/** Framed directory messages on one stream; failures arrive as typed errors. */
export class DirectoryStream {
  readonly stream: Stream
  private readonly lp: FramedStream

  constructor(stream: Stream) {
    this.stream = stream
    this.lp = new FramedStream(stream, { limits: DIRECTORY_STREAM_LIMITS })
  }

  async send(request: Partial<DirectoryRequest>, signal?: AbortSignal): Promise<void> {
    await this.lp.write(DirectoryRequest.encode(request), { signal })
  }

  /** The next response; a relay's failure is thrown as its DirectoryError class. */
  async receive(signal?: AbortSignal): Promise<DirectoryResponse> {
    return throwFailure(await this.receiveRaw(signal))
  }

  /** The next response as sent, failures included. */
  async receiveRaw(signal?: AbortSignal): Promise<DirectoryResponse> {
    const bytes = await this.lp.read({ signal })
    return decodeMessage(DirectoryResponse, bytes, {
      maxSize: MAX_DIRECTORY_MESSAGE_SIZE,
      what: 'directory response',
    })
  }

  async close(): Promise<void> {
    try {
      await this.stream.close({ signal: AbortSignal.timeout(1_000) })
    } catch (err) {
      this.stream.abort(err as Error)
    }
  }
}

/**
 * Requests written back to back on one stream; the relay answers them in order, so each
 * response settles the oldest pending request. Any stream failure, or a request given up
 * on (its answer would then settle the wrong request), ends the pipeline.
 */
export class RequestPipeline {
  closed = false
  private readonly channel: DirectoryStream
  private readonly pending: Array<PromiseWithResolvers<DirectoryResponse>> = []
  private readonly onClose: () => void

  constructor(channel: DirectoryStream, onClose: () => void) {
    this.channel = channel
    this.onClose = onClose
    void this.readResponses()
  }

  async request(
    request: Partial<DirectoryRequest>,
    signal: AbortSignal,
  ): Promise<DirectoryResponse> {
    if (this.closed) throw new DirectoryRequestError('the directory stream is closed')
    const waiting = Promise.withResolvers<DirectoryResponse>()
    // fail() rejects every pending answer, also this one when send() threw and nobody awaits it.
    waiting.promise.catch(() => {})
    this.pending.push(waiting)
    const giveUp = () => this.fail(signal.reason as Error)
    signal.addEventListener('abort', giveUp, { once: true })
    try {
      try {
        await this.channel.send(request, signal)
      } catch (err) {
        // A half-sent request leaves the stream's request/answer order unknown: end it.
        this.fail(err as Error)
        throw err
      }
      return throwFailure(await waiting.promise)
    } finally {
      signal.removeEventListener('abort', giveUp)
    }
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.onClose()
    await this.channel.close()
  }

  private async readResponses(): Promise<void> {
    try {
      for (;;) {
        const response = await this.channel.receiveRaw()
        this.pending.shift()?.resolve(response)
      }
    } catch (err) {
      this.fail(err as Error)
    }
  }

  private fail(err: Error): void {
    if (this.closed && this.pending.length === 0) return
    this.closed = true
    this.onClose()
    for (const waiting of this.pending.splice(0)) waiting.reject(err)
    this.channel.stream.abort(err)
  }
}

function throwFailure(response: DirectoryResponse): DirectoryResponse {
  if (response.failure != null) {
    const { code, message, retryAfterMs } = response.failure
    throw directoryErrorFromFailure(code, message, Number(retryAfterMs))
  }
  return response
}
