/**
 * The node's libp2p host as the composition root builds it: the shared stack (network/host.ts)
 * with the directory's DHT rules and the relay bootstrap on the node's relays.
 */
import { createHost } from '../network/host.ts'
import { hostLogger } from '../network/host-logger.ts'
import { parseRelayAddresses, relayBootstrap, relayPeerId } from './bootstrap.ts'
import { directoryDhtSelectors, directoryDhtValidators } from './directory/index.ts'
import { toLibp2pPrivateKey } from './identity/index.ts'
import type { Storage } from './storage.ts'
import type { NodeHost, TokenimNodeInit } from './tokenim-node.ts'

export const DEFAULT_LISTEN = [
  '/ip4/0.0.0.0/tcp/0',
  '/ip4/0.0.0.0/udp/0/quic-v1',
  '/ip4/0.0.0.0/tcp/0/ws',
]

/** The libp2p host: the shared stack, the directory's DHT rules and the relay bootstrap. */
export function buildHost(
  init: TokenimNodeInit,
  storage: Storage,
  relays: string[],
): Promise<NodeHost> {
  return createHost(
    {
      privateKey: toLibp2pPrivateKey(init.identity),
      datastore: storage.datastore,
      logger: init.logger == null ? undefined : hostLogger(init.logger),
      // Circuit addresses come from the relay bootstrap, once each relay is connected.
      listen: init.listen ?? DEFAULT_LISTEN,
      // On one machine or a LAN every address is private and a node stays a DHT client.
      dhtServer: init.allowPrivateAddresses === true ? false : 'auto',
      allowPrivateAddresses: init.allowPrivateAddresses,
      connectionLimits: init.connectionLimits,
      circuitRelayClient: true,
      peerExchangeFrom: parseRelayAddresses(relays).map((address) =>
        relayPeerId(address).toString(),
      ),
      dhtValidators: directoryDhtValidators,
      dhtSelectors: directoryDhtSelectors,
      ...init.hostOptions,
    },
    {
      relayBootstrap: relayBootstrap({
        relays,
        initialRedialDelayMs: init.relayRedial?.initialDelayMs,
        maxRedialDelayMs: init.relayRedial?.maxDelayMs,
      }),
    },
  )
}
