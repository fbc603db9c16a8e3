/**
 * The penalty for breaking the framing: each violation (a stream reset with a FramingError,
 * by FramedStream or by the frame guard) is counted against the peer, and a peer with more
 * than MAX_FRAMING_VIOLATIONS within FRAMING_VIOLATION_WINDOW_MS has its connections
 * closed, so that it cannot go on opening fresh streams to reset on the same connection.
 * The count is kept in memory for at most MAX_PENALISED_PEERS peers.
 */
import type {
  AbortOptions,
  Counter,
  CounterGroup,
  Logger,
  PeerId,
  StreamCloseEvent,
  StreamMiddleware,
} from '@libp2p/interface'
import { FramingError } from '../protocol/errors.ts'
import { FRAMING_VIOLATION_WINDOW_MS, MAX_FRAMING_VIOLATIONS } from '../protocol/limits.ts'
import { StreamOverflowError } from './errors.ts'

/** Peers whose recent violations are remembered; past it the oldest are forgotten. */
const MAX_PENALISED_PEERS = 10_000

export interface FramingPenaltiesInit {
  connectionManager: { closeConnections(peer: PeerId, options?: AbortOptions): Promise<void> }
  log: Logger
  /** `tokenim_streams_framing_violations_total{protocol}`, when the host has metrics. */
  violations?: CounterGroup
  /** `tokenim_streams_peers_disconnected_total`, when the host has metrics. */
  disconnections?: Counter
  /** @default performance.now */
  clock?: () => number
}

export class FramingPenalties {
  readonly #init: FramingPenaltiesInit
  /** Times of each peer's recent violations, oldest first; peers in order of first entry. */
  readonly #recent = new Map<string, number[]>()

  constructor(init: FramingPenaltiesInit) {
    this.#init = init
  }

  /** Violations of `peer` within the window. */
  count(peer: PeerId): number {
    return this.#times(peer.toString(), this.#now()).length
  }

  report(peer: PeerId, protocol: string, err: FramingError): void {
    const now = this.#now()
    const key = peer.toString()
    const times = this.#times(key, now)
    times.push(now)
    this.#recent.delete(key)
    this.#recent.set(key, times)
    if (this.#recent.size > MAX_PENALISED_PEERS) {
      this.#recent.delete(this.#recent.keys().next().value as string)
    }
    this.#init.violations?.increment({ [protocol]: true })
    // Each violation at debug: a stranger makes as many as it likes. The penalty below is
    // what an operator is told (an error line, at warn in a daemon's log).
    this.#init.log(
      'framing violation %d by %p on %s: %s',
      times.length,
      peer,
      protocol,
      err.message,
    )
    if (times.length <= MAX_FRAMING_VIOLATIONS) return
    this.#init.log.error('closing the connections of %p: %d framing violations', peer, times.length)
    this.#recent.delete(key)
    this.#init.disconnections?.increment()
    void this.#init.connectionManager.closeConnections(peer).catch((closeErr: Error) => {
      this.#init.log.error('closing the connections of %p failed: %s', peer, closeErr.message)
    })
  }

  /** A middleware that reports the streams of a protocol reset for a framing violation. */
  watch(): StreamMiddleware {
    return (stream, connection, next) => {
      stream.addEventListener(
        'close',
        (evt: StreamCloseEvent) => {
          const violation = asViolation(evt.error)
          if (violation != null)
            this.report(connection.remotePeer, stream.protocol ?? '', violation)
        },
        { once: true },
      )
      next(stream, connection)
    }
  }

  #now(): number {
    return (this.#init.clock ?? performance.now.bind(performance))()
  }

  #times(key: string, now: number): number[] {
    const times = this.#recent.get(key) ?? []
    const since = now - FRAMING_VIOLATION_WINDOW_MS
    while (times.length > 0 && times[0] <= since) times.shift()
    return times
  }
}

/**
 * The framing violation a stream was reset for, if any. libp2p resets a stream whose unread
 * bytes pass its limit with a StreamBufferError of its own: the peer ignored flow control.
 */
function asViolation(err: Error | undefined): FramingError | undefined {
  if (err instanceof FramingError) return err
  if (err?.name === 'StreamBufferError') return new StreamOverflowError(err.message)
  return undefined
}
