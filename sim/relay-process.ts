/**
 * Entry point of a simulation relay in a process of its own (in a NAT lab's namespace):
 * starts the relay its one argument describes (`RelayProcessInit` as JSON), prints
 * `{ peerId, address }` as one line, and stops cleanly on SIGTERM.
 *
 * `SIM_RELAY_LOG=<dir>` writes the relay's log to `<dir>/relay-<i>.log`: warnings, and at
 * debug the components `SIM_RELAY_DEBUG` names (`libp2p:kad-dht:rpc*,tokenim:*`). The
 * nodes' own `DEBUG` does not reach the relay.
 */
import { basename, join } from 'node:path'
import type { RelayProcessInit } from './sim-relays.ts'

// Before the imports below: libp2p's debug logger reads DEBUG as it loads.
process.env.DEBUG = process.env.SIM_RELAY_DEBUG ?? ''
const { pino } = await import('pino')
const { createRelay } = await import('../relay/index.ts')
const { createRelayLogger } = await import('../relay/logger.ts')
const { relayAddress, SIMULATION_RELAY_OPTIONS, simulationRelayConfig } = await import(
  './sim-relays.ts'
)

const init = JSON.parse(process.argv[2] ?? '{}') as RelayProcessInit
const logDir = process.env.SIM_RELAY_LOG ?? ''
const logger =
  logDir === ''
    ? undefined
    : createRelayLogger(
        'warn',
        pino.destination({ dest: join(logDir, `${basename(init.dataDir)}.log`), sync: false }),
      )
const relay = await createRelay(simulationRelayConfig(init), {
  ...SIMULATION_RELAY_OPTIONS,
  logger,
})
process.stdout.write(
  `${JSON.stringify({ peerId: relay.peerId.toString(), address: relayAddress(relay) })}\n`,
)
process.once('SIGTERM', () => {
  void relay.stop().finally(() => process.exit(0))
})
