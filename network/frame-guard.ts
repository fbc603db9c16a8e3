/**
 * Guards streams whose frames another library reads: kad-dht reads its own with libp2p's
 * `lpStream`, which takes an over-long varint for "need more bytes" and buffers a stream of
 * 0xff bytes for ever (a few MiB sent cost hundreds of MiB and seconds of CPU).
 *
 * A stream middleware (libp2p runs it on every stream of the protocol, inbound and
 * outbound, before the protocol's own code sees the stream) hands the library a view of
 * the stream whose 'message' listeners only hear chunks that passed a FrameScanner
 * (protocol/framing.ts): at the first prefix byte over the limits, or once a frame has taken
 * longer than its deadline, the stream is reset with a FramingError and the library's reader
 * never sees, so never buffers, the offending bytes. (A listener of the guard's own would
 * make libp2p hand it the bytes that came during negotiation before the library listens.)
 */
import type {
  Connection,
  Logger,
  PeerId,
  Stream,
  StreamMessageEvent,
  StreamMiddleware,
} from '@libp2p/interface'
import { FramingError } from '../protocol/errors.ts'
import { FrameScanner } from '../protocol/framing.ts'
import { FRAME_DEADLINE_MS, type StreamLimits } from '../protocol/limits.ts'
import { FrameTimeoutError } from './errors.ts'

export interface FrameGuardInit {
  limits: GuardedLimits
  log: Logger
  /** @default FRAME_DEADLINE_MS */
  frameDeadlineMs?: number
  /** Told of each stream reset for a violation (counts per peer, metrics). */
  onViolation?: (peer: PeerId, protocol: string, err: FramingError) => void
}

export interface GuardedLimits extends Pick<StreamLimits, 'maxFrameSize'> {
  /**
   * Frames the peer sends before the stream carries unframed bytes (a circuit relay's hop
   * and stop streams become the relayed connection after one message each way).
   * @default no end
   */
  readonly maxFrames?: number
}

/** The middleware that guards one protocol's streams. */
export function frameGuard(init: FrameGuardInit): StreamMiddleware {
  return (stream, connection, next) => {
    next(guardedView(stream, chunkChecker(stream, connection, init)), connection)
  }
}

/** Checks each chunk once, in order; false (the stream reset) at a violation. */
function chunkChecker(
  stream: Stream,
  connection: Connection,
  init: FrameGuardInit,
): (evt: StreamMessageEvent) => boolean {
  const scanner = new FrameScanner(init.limits.maxFrameSize, init.limits.maxFrames)
  const deadlineMs = init.frameDeadlineMs ?? FRAME_DEADLINE_MS
  const verdicts = new WeakMap<Event, boolean>()
  let frameStart: number | undefined
  let timer: ReturnType<typeof setTimeout> | undefined

  const violation = (err: FramingError): void => {
    // At debug: a stranger makes as many as it likes; the penalty is what is logged.
    init.log('reset a %s stream of %p: %s', stream.protocol, connection.remotePeer, err.message)
    stream.abort(err)
    init.onViolation?.(connection.remotePeer, stream.protocol ?? '', err)
  }
  const arm = (delayMs: number): void => {
    timer = setTimeout(() => {
      timer = undefined
      if (frameStart == null) return
      const late = performance.now() - frameStart
      if (late < deadlineMs) arm(deadlineMs - late)
      else violation(new FrameTimeoutError(`a frame took longer than ${deadlineMs} ms to arrive`))
    }, delayMs)
    timer.unref?.()
  }
  stream.addEventListener('close', () => clearTimeout(timer), { once: true })

  const check = (evt: StreamMessageEvent): boolean => {
    if (scanner.finished) return true
    try {
      const data = evt.data
      if (data instanceof Uint8Array) scanner.scan(data)
      else for (const chunk of data) scanner.scan(chunk)
    } catch (err) {
      if (!(err instanceof FramingError)) throw err
      violation(err)
      return false
    }
    if (!scanner.midFrame) frameStart = undefined
    else if (frameStart == null) {
      frameStart = performance.now()
      if (timer == null) arm(deadlineMs)
    }
    return true
  }
  // Every listener of the view calls this for the same event: scan it once. Past its last
  // frame (a relayed connection) a stream is not looked at any more.
  return (evt) => {
    if (scanner.finished) return true
    let verdict = verdicts.get(evt)
    if (verdict == null) {
      verdict = check(evt)
      verdicts.set(evt, verdict)
    }
    return verdict
  }
}

type Listener = EventListenerOrEventListenerObject

/** The stream as the library sees it: its 'message' listeners hear checked chunks only. */
function guardedView(stream: Stream, passes: (evt: StreamMessageEvent) => boolean): Stream {
  const wrappers = new WeakMap<Listener, EventListener>()
  const wrap = (listener: Listener): EventListener => {
    let wrapper = wrappers.get(listener)
    if (wrapper == null) {
      wrapper = (evt) => {
        if (!passes(evt as StreamMessageEvent)) return
        if (typeof listener === 'function') listener.call(stream, evt)
        else listener.handleEvent(evt)
      }
      wrappers.set(listener, wrapper)
    }
    return wrapper
  }
  const target = stream as unknown as EventTarget
  const addEventListener = (type: string, listener: Listener | null, options?: unknown) => {
    const wrapped = type === 'message' && listener != null ? wrap(listener) : listener
    target.addEventListener(type, wrapped, options as AddEventListenerOptions)
  }
  const removeEventListener = (type: string, listener: Listener | null, options?: unknown) => {
    const wrapped = type === 'message' && listener != null ? wrappers.get(listener) : listener
    target.removeEventListener(type, wrapped ?? listener, options as EventListenerOptions)
  }
  const bound = new Map<PropertyKey, unknown>()
  return new Proxy(stream, {
    get(original, prop) {
      if (prop === 'addEventListener') return addEventListener
      if (prop === 'removeEventListener') return removeEventListener
      const value = Reflect.get(original, prop, original)
      // Methods run on the stream itself (they use its private fields); own properties, such
      // as its logger (a function with methods of its own), are handed out as they are.
      if (typeof value !== 'function' || Object.hasOwn(original, prop)) return value
      let method = bound.get(prop)
      if (method == null) {
        method = value.bind(original)
        bound.set(prop, method)
      }
      return method
    },
    set(original, prop, value) {
      return Reflect.set(original, prop, value, original)
    },
  })
}
