/**
 * The libp2p service that puts the framing limits on a host's streams: the protocols
 * another library reads (the DHT) get a frame guard, and every protocol's framing
 * violations, found by the guard or by FramedStream, count against the peer
 * (FramingPenalties). Add it to the host's services with the protocols of both kinds.
 */
import type { AbortOptions, ComponentLogger, PeerId, StreamMiddleware } from '@libp2p/interface'
import {
  DHT_PROTOCOL,
  DIRECTORY_PROTOCOL,
  DM_PROTOCOL,
  FILE_PROTOCOL,
  PRESENCE_PROTOCOL,
  ROOM_KEYS_PROTOCOL,
  ROOM_SYNC_PROTOCOL,
} from '../../protocol/ids.ts'
import { DHT_STREAM_LIMITS, type StreamLimits } from '../../protocol/limits.ts'
import { frameGuard } from './frame-guard.ts'
import { FramingPenalties } from './framing-penalties.ts'

export interface StreamGuardsInit {
  /** Protocols read by another library: their frames are checked as they arrive. */
  guarded: Record<string, Pick<StreamLimits, 'maxFrameSize'>>
  /** Protocols read by FramedStream: only their violations are counted. */
  watched: string[]
  /** @default FRAME_DEADLINE_MS */
  frameDeadlineMs?: number
}

/** TokenIM's protocols: the DHT's frames guarded, the violations on all of them counted. */
export const TOKENIM_STREAM_GUARDS: StreamGuardsInit = {
  guarded: { [DHT_PROTOCOL]: DHT_STREAM_LIMITS },
  watched: [
    DM_PROTOCOL,
    PRESENCE_PROTOCOL,
    FILE_PROTOCOL,
    DIRECTORY_PROTOCOL,
    ROOM_SYNC_PROTOCOL,
    ROOM_KEYS_PROTOCOL,
  ],
}

export interface StreamGuardComponents {
  registrar: {
    use(protocol: string, middleware: StreamMiddleware[]): void
    getMiddleware(protocol: string): StreamMiddleware[]
  }
  connectionManager: { closeConnections(peer: PeerId, options?: AbortOptions): Promise<void> }
  logger: ComponentLogger
}

export interface StreamGuards {
  readonly penalties: FramingPenalties
}

export function streamGuards(
  init: StreamGuardsInit,
): (components: StreamGuardComponents) => StreamGuards {
  return (components) => {
    const log = components.logger.forComponent('tokenim:stream-guards')
    const { registrar } = components
    const penalties = new FramingPenalties({
      connectionManager: components.connectionManager,
      log,
    })
    // libp2p 3.3 appends each inbound stream's handler to the very list `getMiddleware`
    // returns, so with any middleware the list grows by one per stream and the handler runs
    // once more each time: hand out a copy instead.
    const stored = registrar.getMiddleware.bind(registrar)
    registrar.getMiddleware = (protocol) => [...stored(protocol)]
    for (const [protocol, limits] of Object.entries(init.guarded)) {
      const guard = frameGuard({
        limits,
        log,
        frameDeadlineMs: init.frameDeadlineMs,
        onViolation: (peer, guarded, err) => penalties.report(peer, guarded, err),
      })
      registrar.use(protocol, [guard])
    }
    for (const protocol of init.watched) registrar.use(protocol, [penalties.watch()])
    return { penalties, [Symbol.toStringTag]: 'tokenim:stream-guards' } as StreamGuards
  }
}
