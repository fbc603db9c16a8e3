/**
 * A bare libp2p host, the scale run's baseline: the stack and libp2p services of a TokenIM
 * node's host (network/host.ts: the same transports, noise, yamux, identify, ping, kad-dht
 * and gossipsub with the same options, the circuit relay transport and DCUtR), none of
 * TokenIM's services, and libp2p's in-memory datastore instead of LevelDB. It joins the
 * simulation's relays as a node does: listens through each relay's circuit (a reservation),
 * and counts as ready (bare-pool.ts) once it holds one on each and has a DHT server in its
 * routing table. Traffic stands in for TokenIM's:
 * - 1:1: a 32-byte echo on a raw stream of its own protocol; the receiver records the
 *   receipt (one way, as a TokenIM node records a message) and sends the bytes back;
 * - rooms: plain gossipsub topics, each post a message id as its data.
 */
import { randomBytes } from 'node:crypto'
import type { Libp2p, Stream } from '@libp2p/interface'
import { kadDHT } from '@libp2p/kad-dht'
import { byteStream } from '@libp2p/utils'
import { createLibp2p } from 'libp2p'
import {
  dhtOptions,
  type Libp2pServices,
  libp2pServices,
  type StackInit,
  stackInit,
} from '../network/host.ts'
import { generateIdentity, peerIdOf, toLibp2pPrivateKey } from '../node/identity/index.ts'
import type { NodeEvent, PooledHost } from './host-pool.ts'
import type { LinkFaults } from './link-faults.ts'
import {
  abortConnections,
  directAddressesOf,
  SIMULATION_CONNECTION_LIMITS,
  type SimTransport,
  simulationHostOptions,
  simulationListen,
} from './sim-node.ts'

export const BARE_ECHO_PROTOCOL = '/tokenim-sim/bare-echo/1.0.0'
/** A message id: 16 random bytes in hex. */
const ECHO_BYTES = 32
/** One echo's whole life (dial, stream, both ways): a miss after this is a message lost. */
const ECHO_TIMEOUT_MS = 30_000

export interface BareHostInit {
  index: number
  /** Relay addresses with /p2p/<peer id>. */
  relays: string[]
  transport: SimTransport
  listenHost: string
  runId: string
  faults: LinkFaults
  gossipHeartbeatMs: number
  /** Receipts of echoes and room posts, and echoes answered, as a TokenIM node reports them. */
  onEvent: (event: NodeEvent) => void
}

type BareLibp2p = Libp2p<Libp2pServices>

export class BareHost implements PooledHost {
  readonly index: number
  readonly peerId: string
  readonly publicKeyHex: string
  starts = 0
  private readonly init: BareHostInit
  private readonly privateKey
  private current?: BareLibp2p
  private listen: string

  constructor(init: BareHostInit) {
    const identity = generateIdentity()
    this.init = init
    this.index = init.index
    this.privateKey = toLibp2pPrivateKey(identity)
    this.peerId = peerIdOf(identity).toString()
    this.publicKeyHex = Buffer.from(identity.publicKey).toString('hex')
    this.listen = simulationListen(init)
  }

  get running(): boolean {
    return this.current != null
  }

  get host(): BareLibp2p {
    if (this.current == null) throw new Error(`bare host ${this.index} is not running`)
    return this.current
  }

  async start(): Promise<void> {
    if (this.current != null) return
    const relayPeerIds = this.init.relays.map((address) => address.replace(/^.*\/p2p\//, ''))
    const stack: StackInit = {
      privateKey: this.privateKey,
      listen: [this.listen, ...this.init.relays.map((relay) => `${relay}/p2p-circuit`)],
      // As a simulated node: every address is private, so a DHT client.
      dhtServer: false,
      allowPrivateAddresses: true,
      connectionLimits: SIMULATION_CONNECTION_LIMITS,
      circuitRelayClient: true,
      peerExchangeFrom: relayPeerIds,
      ...simulationHostOptions({ ...this.init, peerId: this.peerId }),
    }
    const host = await createLibp2p({
      ...stackInit(stack),
      services: libp2pServices(stack, kadDHT(dhtOptions(stack))),
    })
    await host.handle(BARE_ECHO_PROTOCOL, (stream) => void this.answerEcho(stream), {
      runOnLimitedConnection: true,
    })
    host.services.pubsub.addEventListener('message', (evt) => {
      const id = new TextDecoder().decode(evt.detail.data)
      this.init.onEvent({ kind: 'room:message', index: this.index, id, at: Date.now() })
    })
    this.current = host
    this.starts++
    // A restart listens where the host listened before, as a node does.
    const tcpAddress = directAddressesOf(host).find((addr) =>
      addr.startsWith(`/ip4/${this.init.listenHost}/tcp/`),
    )
    if (this.init.transport === 'tcp' && tcpAddress != null)
      this.listen = tcpAddress.replace(/\/p2p\/.*$/, '')
  }

  directAddresses(): string[] {
    return this.current == null ? [] : directAddressesOf(this.current)
  }

  /** Sends a 1:1 echo to the host of `publicKeyHex` in the background; returns its id. */
  sendEcho(publicKeyHex: string): string {
    const id = randomBytes(ECHO_BYTES / 2).toString('hex')
    const peer = peerIdOf({ publicKey: Buffer.from(publicKeyHex, 'hex') })
    const signal = AbortSignal.timeout(ECHO_TIMEOUT_MS)
    void (async () => {
      const stream = await this.host.dialProtocol(peer, BARE_ECHO_PROTOCOL, { signal })
      const bytes = byteStream(stream)
      await bytes.write(new TextEncoder().encode(id), { signal })
      await bytes.read({ bytes: ECHO_BYTES, signal })
      this.init.onEvent({ kind: 'message:state', index: this.index, id, state: 'delivered' })
      await stream.close({ signal })
    })().catch(() => {
      // Not echoed: the ledger counts it as not delivered.
    })
    return id
  }

  /** Posts on `topic` (subscribed or not, as gossipsub allows); returns the post's id. */
  async publish(topic: string): Promise<string> {
    const id = randomBytes(ECHO_BYTES / 2).toString('hex')
    await this.host.services.pubsub.publish(topic, new TextEncoder().encode(id))
    return id
  }

  async kill(): Promise<void> {
    if (this.current == null) return
    abortConnections(this.current)
    await this.stop()
  }

  async stop(): Promise<void> {
    const host = this.current
    if (host == null) return
    this.current = undefined
    await host.stop()
  }

  private async answerEcho(stream: Stream): Promise<void> {
    const signal = AbortSignal.timeout(ECHO_TIMEOUT_MS)
    try {
      const bytes = byteStream(stream, { maxBufferSize: ECHO_BYTES })
      const id = (await bytes.read({ bytes: ECHO_BYTES, signal })).subarray()
      const at = Date.now()
      this.init.onEvent({
        kind: 'message:received',
        index: this.index,
        id: new TextDecoder().decode(id),
        at,
      })
      await bytes.write(id, { signal })
      await stream.close({ signal })
    } catch (err) {
      stream.abort(err as Error)
    }
  }
}
