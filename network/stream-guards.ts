/**
 * The libp2p service that puts the framing limits on a host's streams: the protocols
 * another library reads (the DHT and libp2p's own) get a frame guard, and every protocol's
 * framing violations, found by the guard or by FramedStream, count against the peer
 * (FramingPenalties). Add it to the host's services with the protocols of both kinds.
 */
import { RELAY_V2_HOP_CODEC, RELAY_V2_STOP_CODEC } from '@libp2p/circuit-relay-v2'
import type {
  AbortOptions,
  ComponentLogger,
  Metrics,
  PeerId,
  StreamMiddleware,
} from '@libp2p/interface'
import {
  DHT_PROTOCOL,
  DIRECTORY_PROTOCOL,
  DM_PROTOCOL,
  FILE_PROTOCOL,
  PRESENCE_PROTOCOL,
  ROOM_KEYS_PROTOCOL,
  ROOM_SYNC_PROTOCOL,
} from '../protocol/ids.ts'
import {
  AUTONAT_FRAME_LIMITS,
  CIRCUIT_FRAME_LIMITS,
  DCUTR_FRAME_LIMITS,
  DHT_STREAM_LIMITS,
  IDENTIFY_FRAME_LIMITS,
} from '../protocol/limits.ts'
import { frameGuard, type GuardedLimits } from './frame-guard.ts'
import { FramingPenalties } from './framing-penalties.ts'

export interface StreamGuardsInit {
  /** Protocols read by another library: their frames are checked as they arrive. */
  guarded: Record<string, GuardedLimits>
  /** Protocols read by FramedStream: only their violations are counted. */
  watched: string[]
  /** @default FRAME_DEADLINE_MS */
  frameDeadlineMs?: number
}

/**
 * The protocols a TokenIM host speaks: those libp2p reads with its flawed `lpStream` (the
 * DHT, identify, the circuit relay, autoNAT, DCUtR) guarded; the violations on all of them
 * counted.
 * (gossipsub's reader bounds its prefix; ping is not framed.)
 */
export const TOKENIM_STREAM_GUARDS: StreamGuardsInit = {
  guarded: {
    [DHT_PROTOCOL]: DHT_STREAM_LIMITS,
    '/ipfs/id/1.0.0': IDENTIFY_FRAME_LIMITS,
    '/ipfs/id/push/1.0.0': IDENTIFY_FRAME_LIMITS,
    [RELAY_V2_HOP_CODEC]: CIRCUIT_FRAME_LIMITS,
    [RELAY_V2_STOP_CODEC]: CIRCUIT_FRAME_LIMITS,
    '/libp2p/autonat/1.0.0': AUTONAT_FRAME_LIMITS,
    '/libp2p/dcutr': DCUTR_FRAME_LIMITS,
  },
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
  metrics?: Metrics
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
      violations: components.metrics?.registerCounterGroup(
        'tokenim_streams_framing_violations_total',
        { label: 'protocol', help: 'Streams reset for breaking their framing, by protocol' },
      ),
      disconnections: components.metrics?.registerCounter(
        'tokenim_streams_peers_disconnected_total',
        { help: 'Peers whose connections were closed for repeated framing violations' },
      ),
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
