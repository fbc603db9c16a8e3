/**
 * The new device's side of a device link (doc/accounts.md, "Linking a device"): dial the
 * device the code names (noise proves it holds that key), prove the code, show the SAS, and
 * take the handover once the person confirmed.
 *
 * What is taken is checked before anything is kept: the account key opens (it was sealed to
 * this device's key), the certificate is signed by that account and names this device, and
 * the device list is the account's, names this device with that certificate. `store` keeps
 * it; only then is DONE sent, so the existing device publishes a list naming a device that
 * really holds its keys, and its DONE in return says the list is its own now. A link that
 * fails after `store` (no DONE back) is reported as failed; the caller undoes what it kept.
 */
import type { Libp2p } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import {
  decodeLinkCode,
  LinkFrameKind,
  type LinkSas,
  linkProof,
  linkSas,
  type OpenedDeviceList,
  openDeviceCertificate,
  openDeviceList,
} from '../../protocol/accounts/index.ts'
import { bytesEqual } from '../../protocol/bytes.ts'
import type { Ed25519KeyPair } from '../../protocol/crypto/index.ts'
import { LINK_PROTOCOL } from '../../protocol/ids.ts'
import { LINK_CONFIRM_TIMEOUT_MS } from '../../protocol/limits.ts'
import type { LinkState } from '../../protocol/proto/link.ts'
import { openSealed } from '../../protocol/rooms/key-bundle.ts'
import { type Identity, identityFromSeed, peerIdOf } from '../identity/index.ts'
import { LinkProtocolError, LinkSasRefusedError, LinkTimeoutError } from './errors.ts'
import { asLinkError, LinkStream, timedOut } from './link-stream.ts'

export interface LinkRequest {
  host: Pick<Libp2p, 'dial'>
  /** This device's key, made for it: its PeerId. */
  identity: Identity
  /** The existing device's one-time code. */
  code: string
  deviceName: string
  /** Shows the SAS to the person; true when both devices show the same. */
  confirm(sas: LinkSas): Promise<boolean>
  /** Keeps what the link hands over; DONE is sent once it resolves. */
  store(linked: LinkedAccount): Promise<void>
  /** @default LINK_CONFIRM_TIMEOUT_MS */
  timeoutMs?: number
}

export interface LinkedAccount {
  account: Ed25519KeyPair
  certificate: Uint8Array
  /** The device list naming this device, as it travels. */
  deviceList: Uint8Array
  list: OpenedDeviceList
  state: LinkState
  sas: LinkSas
  /** The existing device that linked this one (its key): where history comes from. */
  existing: Uint8Array
}

/** Links this device; throws a LinkError subclass (typed, the same the other side reports). */
export async function requestLink(request: LinkRequest): Promise<LinkedAccount> {
  const code = decodeLinkCode(request.code)
  const timeoutMs = request.timeoutMs ?? LINK_CONFIRM_TIMEOUT_MS
  const signal = AbortSignal.timeout(timeoutMs)
  const existing = peerIdOf({ publicKey: code.device })
  // Each address must end in the device's peer id, so the dial (noise) proves the key.
  const suffix = `/p2p/${existing.toString()}`
  const addresses = code.addresses.map((bytes) => {
    const address = multiaddr(bytes)
    return address.toString().endsWith(suffix) ? address : address.encapsulate(suffix)
  })
  let connection: Awaited<ReturnType<LinkRequest['host']['dial']>>
  try {
    connection = await request.host.dial(addresses, { signal })
  } catch (err) {
    if (signal.aborted)
      throw new LinkTimeoutError('the existing device could not be reached in time')
    throw new LinkProtocolError(
      `the existing device could not be reached: ${(err as Error).message}`,
    )
  }
  const stream = await connection.newStream(LINK_PROTOCOL, { signal, runOnLimitedConnection: true })
  const link = new LinkStream(stream, signal)
  try {
    const joining = request.identity.publicKey
    await link.send({
      kind: LinkFrameKind.HELLO,
      proof: linkProof(code.secret, code.device, joining),
      deviceName: request.deviceName,
    })
    await link.expect(LinkFrameKind.ACCEPTED)
    const sas = linkSas(code.secret, code.device, joining)
    // The other person may say no first: their REFUSED ends the wait here too.
    const handover = link.expect(LinkFrameKind.HANDOVER)
    handover.catch(() => undefined)
    const deadline = timedOut(signal)
    deadline.catch(() => undefined)
    const accept = await Promise.race([request.confirm(sas), handover.then(() => true), deadline])
    if (!accept) throw new LinkSasRefusedError('the codes were not confirmed on this device')
    await link.send({ kind: LinkFrameKind.CONFIRMED })
    const frame = await Promise.race([handover, deadline])
    const linked = openHandover(frame, request.identity, code.device, sas)
    await request.store(linked)
    await link.send({ kind: LinkFrameKind.DONE })
    // The existing device made the list naming us its own: only now is the link done.
    await link.expect(LinkFrameKind.DONE)
    await stream.close({ signal }).catch(() => undefined)
    return linked
  } catch (err) {
    const error = asLinkError(err)
    await link.refuse(error)
    throw error
  }
}

function openHandover(
  frame: {
    sealedAccountKey: Uint8Array
    certificate: Uint8Array
    deviceList: Uint8Array
    state?: LinkState
  },
  identity: Identity,
  existing: Uint8Array,
  sas: LinkSas,
): LinkedAccount {
  try {
    const account = identityFromSeed(openSealed(identity, frame.sealedAccountKey))
    const certificate = openDeviceCertificate(frame.certificate, account.publicKey)
    const list = openDeviceList(frame.deviceList)
    if (!bytesEqual(certificate.device, identity.publicKey))
      throw new Error('the certificate names another device')
    if (!bytesEqual(list.account, account.publicKey))
      throw new Error('the device list is of another account')
    const listed = list.devices.find((device) => bytesEqual(device.device, identity.publicKey))
    if (listed == null || !bytesEqual(listed.record, frame.certificate)) {
      throw new Error('the device list does not name this device with its certificate')
    }
    if (!list.devices.some((device) => bytesEqual(device.device, existing))) {
      throw new Error('the device list does not name the device that linked this one')
    }
    return {
      account: { publicKey: account.publicKey, privateKey: account.privateKey },
      certificate: frame.certificate,
      deviceList: frame.deviceList,
      list,
      state: frame.state ?? { friends: [], relays: [] },
      sas,
      existing,
    }
  } catch (err) {
    throw new LinkProtocolError(`the handover does not check: ${(err as Error).message}`)
  }
}
