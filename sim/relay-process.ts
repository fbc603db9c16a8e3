/**
 * Entry point of a simulation relay in a process of its own (in a NAT lab's namespace):
 * starts the relay its one argument describes (`RelayProcessInit` as JSON), prints
 * `{ peerId, address }` as one line, and stops cleanly on SIGTERM.
 */
import { createRelay } from '../relay/index.ts'
import { type RelayProcessInit, relayAddress, simulationRelayConfig } from './sim-relays.ts'

const init = JSON.parse(process.argv[2] ?? '{}') as RelayProcessInit
const relay = await createRelay(simulationRelayConfig(init))
process.stdout.write(
  `${JSON.stringify({ peerId: relay.peerId.toString(), address: relayAddress(relay) })}\n`,
)
process.once('SIGTERM', () => {
  void relay.stop().finally(() => process.exit(0))
})
