/**
 * The existing device's side of a device link (doc/accounts.md, "Linking a device"):
 * LINK_PROTOCOL's handler and the one link the person is running, as the API shows it.
 *
 * Guarantees:
 * - Nothing secret moves before the person confirmed the SAS on both devices: the new device
 *   proves it holds the code (LinkOffer, once, unexpired), both sides show the SAS, and only
 *   after this device's person and the new device's confirmed does the handover go out.
 * - The handover goes only to the key noise authenticated on this stream (the key the proof
 *   is bound to): the account key sealed to that key, its certificate, the next device list.
 * - The list becomes ours (published, sent to friends) only after the new device said it
 *   stored everything; a link that breaks before leaves our list as it was.
 * - Every wait is bounded: frames by the stream's framing, the whole link by
 *   LINK_CONFIRM_TIMEOUT_MS; one link at a time (the code works once), at most
 *   LINK_STREAM_LIMITS streams per peer.
 */
import type { Connection, Libp2p, Logger, Stream } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { TypedEventEmitter } from 'main-event'
import { streamCounts } from '../../network/index.ts'
import {
  LinkFrameKind,
  type LinkSas,
  type LinkStateFields,
  linkSas,
} from '../../protocol/accounts/index.ts'
import { LINK_PROTOCOL } from '../../protocol/ids.ts'
import { LINK_CONFIRM_TIMEOUT_MS, LINK_STREAM_LIMITS } from '../../protocol/limits.ts'
import type { DeviceLinkStatus } from '../../protocol/local-api.ts'
import { sealToIdentity } from '../../protocol/rooms/key-bundle.ts'
import { accountKeyOf, type Identity, peerIdOf } from '../identity/index.ts'
import type { DeviceService } from './device-service.ts'
import { LinkError, LinkRefusedError, LinkSasRefusedError } from './errors.ts'
import { LinkOffer } from './link-offer.ts'
import { asLinkError, LinkStream, timedOut } from './link-stream.ts'

export interface LinkHostComponents {
  host: Pick<Libp2p, 'handle' | 'unhandle' | 'getMultiaddrs' | 'logger'>
  identity: Identity
  devices: Pick<DeviceService, 'prepareLink' | 'commitLinked' | 'thisDevice'>
  /** What the new device starts from: friends and relays. */
  handoverState(): LinkStateFields
}

export interface LinkHostInit {
  /** Longest wait for both confirmations and the handover. @default LINK_CONFIRM_TIMEOUT_MS */
  timeoutMs?: number
  /** @default Date.now */
  clock?: () => number
}

export interface LinkHostEvents {
  /** The link's status changed (a device proved the code, a confirmation, done, failed). */
  'devices:link': CustomEvent<DeviceLinkStatus>
}

export class LinkHost extends TypedEventEmitter<LinkHostEvents> {
  readonly #components: LinkHostComponents
  readonly #offer: LinkOffer
  readonly #timeoutMs: number
  readonly #log: Logger
  #status: DeviceLinkStatus = { state: 'none' }
  /** The person's answer to the SAS, while one is awaited. */
  #decide?: (accept: boolean) => void

  constructor(components: LinkHostComponents, init: LinkHostInit = {}) {
    super()
    this.#components = components
    this.#offer = new LinkOffer(components.devices.thisDevice, init.clock ?? Date.now)
    this.#timeoutMs = init.timeoutMs ?? LINK_CONFIRM_TIMEOUT_MS
    this.#log = components.host.logger.forComponent('tokenim:devices:link')
  }

  async start(): Promise<void> {
    // A new device behind NAT reaches this one through a relay's circuit (a limited
    // connection); a link is a few KiB, well inside a circuit's data limit.
    await this.#components.host.handle(
      LINK_PROTOCOL,
      (stream, connection) => void this.#serve(stream, connection),
      { ...streamCounts(LINK_STREAM_LIMITS), runOnLimitedConnection: true },
    )
  }

  async stop(): Promise<void> {
    this.#offer.close()
    this.#decide?.(false)
    await this.#components.host.unhandle(LINK_PROTOCOL)
  }

  status(): DeviceLinkStatus {
    return { ...this.#status }
  }

  /**
   * A new one-time code (the last one stops working) naming this device's addresses, relay
   * circuits first: they reach it from anywhere, where a LAN or loopback address may not.
   */
  open(): DeviceLinkStatus {
    this.#decide?.(false)
    const addresses = orderForCode(this.#components.host.getMultiaddrs())
    const { text, expiresMs } = this.#offer.open(addresses.map((address) => address.bytes))
    this.#set({ state: 'waiting', code: text, expiresAt: expiresMs })
    return this.status()
  }

  /** The person's answer to the SAS shown. Throws LinkRefusedError when none is asked. */
  confirm(accept: boolean): DeviceLinkStatus {
    if (this.#decide == null || this.#status.state !== 'confirm') {
      throw new LinkRefusedError('no device is waiting for a confirmation: show a new code first')
    }
    this.#decide(accept)
    return this.status()
  }

  async #serve(stream: Stream, connection: Connection): Promise<void> {
    const signal = AbortSignal.timeout(this.#timeoutMs)
    const link = new LinkStream(stream, signal)
    const joining = connection.remotePeer.publicKey
    if (joining?.type !== 'Ed25519') {
      await link.refuse(new LinkRefusedError('a device key is an Ed25519 key'))
      return
    }
    let accepted = false
    try {
      const hello = await link.expect(LinkFrameKind.HELLO)
      const taken = this.#offer.take(hello.proof, joining.raw)
      if (taken instanceof LinkError) {
        this.#log('refused a link from %p: %s', connection.remotePeer, taken.name)
        this.#set({ ...this.#status, error: { name: taken.name, message: taken.message } })
        await link.refuse(taken)
        return
      }
      accepted = true
      // Checks the name and that the list has room before the person is asked anything.
      this.#prepare(joining.raw, hello.deviceName)
      const sas = linkSas(taken, this.#components.devices.thisDevice, joining.raw)
      await this.#confirmBoth(link, sas, hello.deviceName, connection, signal)
      await this.#handOver(link, joining.raw, hello.deviceName)
    } catch (err) {
      const error = asLinkError(err)
      this.#log.error('linking %p failed: %s', connection.remotePeer, error.message)
      if (accepted) this.#set({ ...this.#status, state: 'failed', error: errorView(error) })
      await link.refuse(error)
    } finally {
      this.#decide = undefined
    }
  }

  /** Both persons' answers: ours through the API, the new device's as a CONFIRMED frame. */
  async #confirmBoth(
    link: LinkStream,
    sas: LinkSas,
    deviceName: string,
    connection: Connection,
    signal: AbortSignal,
  ): Promise<void> {
    const ours = new Promise<boolean>((resolve) => {
      this.#decide = resolve
    })
    this.#set({
      state: 'confirm',
      sas,
      deviceName,
      devicePeerId: connection.remotePeer.toString(),
      confirmed: false,
    })
    await link.send({ kind: LinkFrameKind.ACCEPTED })
    const theirs = link.expect(LinkFrameKind.CONFIRMED)
    const deadline = timedOut(signal)
    // Whichever answer comes first may end it: a "no" on either side stops both.
    theirs.catch(() => undefined)
    deadline.catch(() => undefined)
    const accept = await Promise.race([ours, theirs.then(() => ours), deadline])
    if (!accept) throw new LinkSasRefusedError('the codes were not confirmed on this device')
    this.#set({ ...this.#status, confirmed: true })
    await Promise.race([theirs, deadline])
  }

  async #handOver(link: LinkStream, joining: Uint8Array, deviceName: string): Promise<void> {
    this.#set({ ...this.#status, state: 'linking' })
    const prepared = this.#prepare(joining, deviceName)
    await link.send({
      kind: LinkFrameKind.HANDOVER,
      sealedAccountKey: sealToIdentity(joining, accountKeyOf(this.#components.identity).privateKey),
      certificate: prepared.certificate,
      deviceList: prepared.list,
      state: this.#components.handoverState(),
    })
    await link.expect(LinkFrameKind.DONE)
    await this.#components.devices.commitLinked(prepared.list)
    // The new device counts itself linked only once it hears that our list names it.
    await link.send({ kind: LinkFrameKind.DONE })
    await link.stream.close().catch(() => undefined)
    this.#log('linked device %s', peerIdOf({ publicKey: joining }).toString())
    this.#set({ ...this.#status, state: 'linked', code: undefined, expiresAt: undefined })
  }

  /** The certificate and next list; what the device list refuses (full, listed, bad name) refuses the link. */
  #prepare(joining: Uint8Array, deviceName: string): { certificate: Uint8Array; list: Uint8Array } {
    try {
      return this.#components.devices.prepareLink(joining, deviceName)
    } catch (err) {
      throw new LinkRefusedError((err as Error).message)
    }
  }

  #set(status: DeviceLinkStatus): void {
    this.#status = status
    this.safeDispatchEvent('devices:link', { detail: this.status() })
  }
}

function errorView(error: Error): { name: string; message: string } {
  return { name: error.name, message: error.message }
}

/** Circuits first, then the rest, as libp2p lists them. */
function orderForCode(addresses: Multiaddr[]): Multiaddr[] {
  const circuit = (address: Multiaddr) => address.toString().includes('/p2p-circuit')
  return [...addresses.filter(circuit), ...addresses.filter((address) => !circuit(address))]
}
