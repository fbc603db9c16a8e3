/**
 * The events a client of the local API may have missed while it was away. Each event gets
 * the next sequence number of this server's stream, named by `epoch` (a new one each time
 * the process starts, when numbering starts again), and the newest are kept, bounded in
 * count and bytes. A client that reconnects with `?since=<last seq>&epoch=<its epoch>` gets
 * what it missed, in order, before the live events. Asking for events no longer kept, or of
 * another epoch, is refused (EventsGoneError): the client reads the state again.
 */
import { randomBytes } from 'node:crypto'
import type { EmittedNodeEvent } from '../../protocol/local-api.ts'

/** Events kept for replay, and their size in all (JSON text). */
export const MAX_REPLAY_EVENTS = 1_000
export const MAX_REPLAY_BYTES = 4 * 1024 * 1024

export class EventsGoneError extends Error {
  override name = 'EventsGoneError'
}

export class EventLog {
  readonly epoch = randomBytes(8).toString('hex')
  private lastSeq = 0
  /** Oldest first: each event's seq and JSON text. */
  private readonly kept: Array<{ seq: number; text: string }> = []
  private keptBytes = 0

  /** Numbers the event and keeps it; returns its JSON text to send. */
  append(event: EmittedNodeEvent): string {
    const seq = ++this.lastSeq
    const text = JSON.stringify({ ...event, seq, epoch: this.epoch })
    this.kept.push({ seq, text })
    this.keptBytes += text.length
    while (this.kept.length > MAX_REPLAY_EVENTS || this.keptBytes > MAX_REPLAY_BYTES) {
      this.keptBytes -= this.kept.shift()!.text.length
    }
    return text
  }

  /**
   * The texts of every event after `seq` of `epoch`, oldest first.
   * @throws EventsGoneError when they are not all kept, or the epoch is not this stream's
   */
  since(seq: number, epoch: string): string[] {
    if (epoch !== this.epoch) {
      throw new EventsGoneError(
        `events of stream ${epoch} are gone: the node restarted (stream ${this.epoch} now); read the state again`,
      )
    }
    if (seq > this.lastSeq) {
      throw new EventsGoneError(`no event ${seq} yet: the last is ${this.lastSeq}`)
    }
    const oldestKept = this.kept[0]?.seq ?? this.lastSeq + 1
    if (seq + 1 < oldestKept) {
      throw new EventsGoneError(
        `events after ${seq} are no longer kept (the oldest kept is ${oldestKept}); read the state again`,
      )
    }
    return this.kept.filter((event) => event.seq > seq).map((event) => event.text)
  }
}
