/**
 * The frames of one link, on either device: each read bounded by the stream's framing
 * (LINK_STREAM_LIMITS) and by the link's deadline, each frame decoded strictly. A REFUSED
 * frame becomes the typed error it names, a frame of an unexpected kind a LinkProtocolError,
 * and a deadline passed a LinkTimeoutError, so both devices report the same failure.
 */
import type { Stream } from '@libp2p/interface'
import { FramedStream } from '../../network/index.ts'
import {
  decodeLinkFrame,
  encodeLinkFrame,
  type LinkFrame,
  type LinkFrameFields,
  LinkFrameKind,
} from '../../protocol/accounts/index.ts'
import { LINK_STREAM_LIMITS } from '../../protocol/limits.ts'
import { LinkError, LinkProtocolError, LinkTimeoutError, linkErrorNamed } from './errors.ts'

/** How long a refusing side waits for the other to take its REFUSED frame before closing. */
const REFUSAL_GRACE_MS = 2_000

export class LinkStream {
  readonly #framed: FramedStream
  readonly #signal: AbortSignal
  /** The read under way, if any: a refusal waits for it, so the peer reads the refusal first. */
  #reading?: Promise<unknown>

  constructor(stream: Stream, signal: AbortSignal) {
    this.#framed = new FramedStream(stream, { limits: LINK_STREAM_LIMITS })
    this.#signal = signal
  }

  get stream(): Stream {
    return this.#framed.stream
  }

  /** The next frame, which must be of `kind`; a REFUSED frame throws the error it names. */
  async expect(kind: LinkFrameKind): Promise<LinkFrame> {
    const next = this.#next()
    this.#reading = next
    const frame = await next
    if (frame.kind === LinkFrameKind.REFUSED) throw linkErrorNamed(frame.error, refusal(frame))
    if (frame.kind !== kind) {
      throw new LinkProtocolError(`expected a ${LinkFrameKind[kind]} frame, got ${frame.kind}`)
    }
    return frame
  }

  send(frame: LinkFrameFields): Promise<void> {
    return this.#framed.write(encodeLinkFrame(frame), { signal: this.#signal })
  }

  /**
   * Tells the other device why the link stops (best effort), waits (briefly) until it answered
   * or closed, then closes the stream: a process that stops right after, or a relay's circuit
   * torn down with it, must not cut the refusal off before the other side read it.
   */
  async refuse(error: LinkError): Promise<void> {
    try {
      await this.send({ kind: LinkFrameKind.REFUSED, error: error.name })
      if (this.#reading != null) {
        let timer: ReturnType<typeof setTimeout> | undefined
        await Promise.race([
          this.#reading.catch(() => undefined),
          new Promise((resolve) => {
            timer = setTimeout(resolve, REFUSAL_GRACE_MS)
          }),
        ])
        clearTimeout(timer)
      }
      await this.#framed.stream.close({ signal: AbortSignal.timeout(REFUSAL_GRACE_MS) })
    } catch {
      this.#framed.stream.abort(error)
    }
  }

  async #next(): Promise<LinkFrame> {
    let bytes: Uint8Array
    try {
      bytes = await this.#framed.read({ signal: this.#signal })
    } catch (err) {
      if (this.#signal.aborted)
        throw new LinkTimeoutError('the other device did not answer in time')
      throw err
    }
    try {
      return decodeLinkFrame(bytes)
    } catch (err) {
      throw new LinkProtocolError(`the other device sent a bad frame: ${(err as Error).message}`)
    }
  }
}

/** Rejects with LinkTimeoutError once `signal` aborts: raced against a person's answer. */
export function timedOut(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const fail = () => reject(new LinkTimeoutError('no answer in time: start the link again'))
    if (signal.aborted) fail()
    else signal.addEventListener('abort', fail, { once: true })
  })
}

/** A LinkError as is; anything else (a reset stream, a bad frame) as what it says. */
export function asLinkError(err: unknown): LinkError {
  if (err instanceof LinkError) return err
  return new LinkProtocolError(`the link broke: ${(err as Error).message}`)
}

function refusal(frame: LinkFrame): string {
  const reasons: Record<string, string> = {
    LinkCodeWrongError: 'the link code is wrong: check it, or show a new one on the other device',
    LinkCodeExpiredError: 'the link code has expired: show a new one on the other device',
    LinkCodeUsedError: 'the link code was used already: show a new one on the other device',
    LinkSasRefusedError: 'the codes were not confirmed on the other device: nothing was linked',
    LinkTimeoutError: 'the other device waited too long for an answer: start the link again',
  }
  return reasons[frame.error] ?? `the other device refused the link (${frame.error})`
}
