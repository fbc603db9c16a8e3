/**
 * The two ends of ROOM_SYNC_PROTOCOL on a stream: one request frame, then event frames and
 * a done frame back. Every frame is bounded by ROOM_SYNC_STREAM_LIMITS, the number of event
 * frames by the request's limit, and the whole exchange by a timeout.
 */
import type { AbortOptions, PeerId, Stream } from '@libp2p/interface'
import { FramedStream } from '../../network/index.ts'
import { openPeerStream, type PeerStreamHost } from '../../network/peer-streams.ts'
import { ROOM_SYNC_PROTOCOL } from '../../protocol/ids.ts'
import { MAX_ROOM_SYNC_EVENTS, ROOM_SYNC_STREAM_LIMITS } from '../../protocol/limits.ts'
import {
  decodeSyncFrame,
  decodeSyncRequest,
  encodeSyncFrame,
  encodeSyncRequest,
  headsFromWire,
  headsToWire,
  type RoomHeadValue,
  type RoomSyncRequest,
  RoomSyncStatus,
} from '../../protocol/rooms/index.ts'

export interface SyncAnswer {
  status: RoomSyncStatus
  /** Signed events, first in the room's total order. */
  events: Uint8Array[]
  /** False when the limit cut the answer short. */
  complete: boolean
  /** The responder's heads. */
  heads: Map<string, number>
}

export interface SyncReply {
  status: RoomSyncStatus
  events: Uint8Array[]
  complete: boolean
  heads: RoomHeadValue[]
}

/** Asks `peer` for the events beyond `request.heads`. Throws on a broken or refused stream. */
export async function requestSync(
  host: PeerStreamHost,
  peer: PeerId,
  request: Partial<RoomSyncRequest>,
  options: AbortOptions,
): Promise<SyncAnswer> {
  // Members behind NAT reach each other through a relay's circuit (a limited connection).
  const stream = await openPeerStream(host, peer, ROOM_SYNC_PROTOCOL, options)
  try {
    const lp = new FramedStream(stream, { limits: ROOM_SYNC_STREAM_LIMITS })
    await lp.write(encodeSyncRequest(request), options)
    const events: Uint8Array[] = []
    const limit = Math.min(request.limit ?? MAX_ROOM_SYNC_EVENTS, MAX_ROOM_SYNC_EVENTS)
    for (;;) {
      const frame = decodeSyncFrame(await lp.read(options))
      if (frame.done) {
        await stream.close(options)
        return {
          status: frame.status,
          events,
          complete: frame.complete,
          heads: headsFromWire(frame.heads),
        }
      }
      if (events.length >= limit) throw new Error('the peer sent more events than asked for')
      events.push(frame.event)
    }
  } catch (err) {
    stream.abort(err as Error)
    throw err
  }
}

/** Answers one sync request on `stream`; `respond` decides what to send. */
export async function serveSync(
  stream: Stream,
  requester: Uint8Array,
  respond: (request: RoomSyncRequest, requester: Uint8Array) => SyncReply,
  options: AbortOptions,
): Promise<void> {
  const lp = new FramedStream(stream, { limits: ROOM_SYNC_STREAM_LIMITS })
  const request = decodeSyncRequest(await lp.read(options))
  const reply = respond(request, requester)
  for (const event of reply.events) {
    await lp.write(encodeSyncFrame({ event: event as Uint8Array<ArrayBuffer> }), options)
  }
  await lp.write(
    encodeSyncFrame({
      done: true,
      status: reply.status,
      complete: reply.complete,
      heads: reply.status === RoomSyncStatus.OK ? headsToWire(reply.heads) : [],
    }),
    options,
  )
  await stream.close(options)
}
