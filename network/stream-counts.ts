import type { StreamHandlerOptions } from '@libp2p/interface'
import type { StreamLimits } from '../protocol/limits.ts'

/** The handler options that make libp2p refuse a protocol's streams beyond its limits. */
export function streamCounts(
  limits: StreamLimits,
): Pick<StreamHandlerOptions, 'maxInboundStreams' | 'maxOutboundStreams'> {
  return {
    maxInboundStreams: limits.maxInboundStreams,
    maxOutboundStreams: limits.maxOutboundStreams,
  }
}
