/**
 * autoNAT dial-backs that test a new connection, never the one the request came over.
 *
 * An autoNAT server answers "dial me back at these addresses" by dialling each and closing
 * the connection it got. libp2p's connection manager hands back an open connection to the
 * peer instead of dialling when one exists, and over QUIC the address a node asks to be
 * dialled at is the very address its request arrived from (its NAT's UDP mapping, observed
 * through identify). So the server "reached" the node on the node's own connection, told it
 * it is publicly reachable (it is not: its NAT drops anything from another port), and closed
 * the connection: a node's QUIC link to its relay was torn down and redialled several times
 * a second in the NAT lab. The server's dial-backs here always open a new connection
 * (`force`), which succeeds only where a stranger's dial would.
 *
 * @example
 * ```ts
 * services: { autoNAT: freshDialBacks(autoNAT()) }
 * ```
 */
import type { AutoNATComponents } from '@libp2p/autonat'
import { isMultiaddr } from '@multiformats/multiaddr'

type ConnectionManager = AutoNATComponents['connectionManager']

/** The service `factory` builds, seeing a connection manager whose dial-backs are forced. */
export function freshDialBacks<Service>(
  factory: (components: AutoNATComponents) => Service,
): (components: AutoNATComponents) => Service {
  return (components) => {
    const { connectionManager } = components
    const forcing: ConnectionManager = new Proxy(connectionManager, {
      get(target, property) {
        if (property === 'openConnection') {
          // A dial-back names one address; the service's own random walk dials a peer's list.
          const openConnection: ConnectionManager['openConnection'] = (peer, options) =>
            target.openConnection(peer, isMultiaddr(peer) ? { ...options, force: true } : options)
          return openConnection
        }
        const value: unknown = Reflect.get(target, property)
        // Bound to the manager itself: its methods may use private fields a proxy lacks.
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
    const view = new Proxy(components, {
      get: (target, property, receiver) =>
        property === 'connectionManager' ? forcing : Reflect.get(target, property, receiver),
    })
    return factory(view)
  }
}
