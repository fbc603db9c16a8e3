/**
 * Who a DHT record write is for: the remote peer whose request kad-dht is serving, or nobody
 * (this host's own operations).
 *
 * kad-dht's PUT_VALUE and ADD_PROVIDER handlers write to the datastore without saying for
 * whom, and its validators never learn the sender. What does know the sender is the stream
 * handler kad-dht registers for its protocol, called with the connection. So
 * `servingDhtWriters` hands kad-dht a registrar whose `handle()` wraps that handler in an
 * AsyncLocalStorage scope naming the connection's peer and address; every write the handler
 * makes, however deep, runs inside it, and the datastore guard (quota-datastore.ts) reads it.
 * Nothing of kad-dht is patched or re-implemented: it registers, reads and answers as before
 * (any reader another module wraps around the stream keeps working), and re-registering on a
 * mode change goes through the same registrar.
 *
 * The scope also reaches whatever the handler sets off (an event listener, a timer armed
 * during the request). So every call to the DHT's own API (`put`, `provide`, ...) leaves it:
 * this host's own records are never charged to a stranger, whatever triggered the call.
 *
 * Middleware (`registrar.use`) would not do: libp2p runs the handler outside the middleware's
 * async scope, and appends the handler to the registered middleware array on every stream.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import type { Connection, StreamHandler, StreamHandlerOptions } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { DhtWriter } from './write-ledger.ts'

const writerScope = new AsyncLocalStorage<DhtWriter>()

/** The remote writer whose DHT request is being served here, if any. */
export function currentDhtWriter(): DhtWriter | undefined {
  return writerScope.getStore()
}

/** The part of libp2p's registrar (in @libp2p/interface-internal) wrapped here. */
export interface HandlerRegistrar {
  handle(protocol: string, handler: StreamHandler, options?: StreamHandlerOptions): Promise<void>
}

interface WithRegistrar {
  registrar: HandlerRegistrar
}

/**
 * Wraps a DHT service factory (kad-dht's) so that requests it serves on `protocol` run as
 * their writer, and calls into it run as nobody.
 */
export function servingDhtWriters<C extends WithRegistrar, S extends object>(
  protocol: string,
  factory: (components: C) => S,
): (components: C) => S {
  return (components) => {
    const registrar = registrarServingWriters(components.registrar, protocol)
    const scoped = new Proxy(components, {
      get: (target, property) =>
        property === 'registrar' ? registrar : Reflect.get(target, property),
    })
    return outsideWriterScope(factory(scoped))
  }
}

/** The address a writer is counted under: its IP, an IPv6 /64, or the transport address. */
export function writerAddress(remoteAddr: Multiaddr): string {
  for (const component of remoteAddr.getComponents()) {
    if (component.name === 'ip4') return component.value ?? 'unknown'
    if (component.name === 'ip6') return ipv6Prefix64(component.value ?? '')
  }
  // Memory and other IP-less transports: the address itself, without the peer id.
  return remoteAddr.toString().split('/p2p/')[0]
}

function writerOf(connection: Connection): DhtWriter {
  return { peer: connection.remotePeer.toString(), address: writerAddress(connection.remoteAddr) }
}

function registrarServingWriters(registrar: HandlerRegistrar, protocol: string): HandlerRegistrar {
  const handle: HandlerRegistrar['handle'] = (handled, handler, options) =>
    registrar.handle(handled, handled === protocol ? asWriter(handler) : handler, options)
  return new Proxy(registrar, {
    get: (target, property) => {
      if (property === 'handle') return handle
      const value = Reflect.get(target, property, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

function asWriter(handler: StreamHandler): StreamHandler {
  return (stream, connection) => writerScope.run(writerOf(connection), handler, stream, connection)
}

/** The service, with each of its methods (and the iterators they return) run as nobody. */
function outsideWriterScope<S extends object>(service: S): S {
  return new Proxy(service, {
    get: (target, property) => {
      const value = Reflect.get(target, property, target)
      if (typeof value !== 'function') return value
      return (...args: unknown[]) =>
        writerScope.exit(() => iteratedOutsideWriterScope(value.apply(target, args)))
    },
  })
}

function iteratedOutsideWriterScope<T>(value: T): T {
  if (!isAsyncGenerator(value)) return value
  const generator = value
  const outside: AsyncGenerator = {
    next: (...args) => writerScope.exit(() => generator.next(...args)),
    return: (result) => writerScope.exit(() => generator.return(result)),
    throw: (err) => writerScope.exit(() => generator.throw(err)),
    [Symbol.asyncIterator]() {
      return outside
    },
    [Symbol.asyncDispose]: () => writerScope.exit(() => generator.return(undefined)).then(() => {}),
  }
  return outside as T
}

function isAsyncGenerator(value: unknown): value is AsyncGenerator {
  return (
    typeof value === 'object' &&
    value != null &&
    typeof (value as AsyncGenerator).next === 'function' &&
    typeof (value as AsyncGenerator)[Symbol.asyncIterator] === 'function'
  )
}

/** The first four groups of an IPv6 address: one subscriber usually holds a whole /64. */
function ipv6Prefix64(address: string): string {
  const [head, tail] = address.split('::')
  const groups = head === '' ? [] : head.split(':')
  if (tail != null) {
    const rest = tail === '' ? [] : tail.split(':')
    // An IPv4-mapped tail (::ffff:1.2.3.4) is one address, not a prefix.
    if (rest.at(-1)?.includes('.') === true) return rest.at(-1)!
    groups.push(...Array<string>(Math.max(0, 8 - groups.length - rest.length)).fill('0'), ...rest)
  }
  return `${groups
    .slice(0, 4)
    .map((group) => Number.parseInt(group || '0', 16).toString(16))
    .join(':')}::/64`
}
