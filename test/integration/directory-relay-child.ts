/**
 * A relay with the username directory, run as its own process so a test can kill -9 it:
 * `node --experimental-transform-types directory-relay-child.ts <dataDir>`. Prints
 * `READY <multiaddr>` once it listens.
 */
import { createRelay } from '../../relay/index.ts'
import { loopbackRelayConfig, relayAddress } from '../helpers/relay-network.ts'

const dataDir = process.argv[2]
if (dataDir == null) throw new Error('usage: directory-relay-child.ts <dataDir>')

const relay = await createRelay(
  loopbackRelayConfig(dataDir, {
    limits: {
      inboundConnectionThreshold: 10_000,
      maxIncomingPendingConnections: 500,
      maxConnections: 2_000,
    },
    metrics: { enabled: false },
    directory: {
      rateLimits: { registrationsPerPeerPerHour: 100_000, lookupsPerPeerPerMinute: 100_000 },
    },
  }),
)
process.stdout.write(`READY ${relayAddress(relay)}\n`)
process.once('SIGTERM', () => void relay.stop().then(() => process.exit(0)))
