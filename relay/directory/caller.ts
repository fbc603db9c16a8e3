/**
 * Who is asking: the peer of a directory stream, its Ed25519 key (names are issued to it),
 * and the IP address its per-IP rate limits are keyed on. Built once per stream from the
 * connection, so every operation on the stream sees the same identity.
 */
import type { Connection } from '@libp2p/interface'
import { toHex } from '../../protocol/bytes.ts'

export interface Caller {
  /** The peer id, as text: the key of per-peer rate limits and of the failure lockout. */
  peer: string
  publicKey: Uint8Array
  /** The public key, hex: the owner field of stored names. */
  owner: string
  ip: string
}

/** The caller on `connection`, or undefined when its key is not Ed25519 (not served). */
export function callerOf(connection: Connection): Caller | undefined {
  const remoteKey = connection.remotePeer.publicKey
  if (remoteKey?.type !== 'Ed25519') return undefined
  return {
    peer: connection.remotePeer.toString(),
    publicKey: remoteKey.raw,
    owner: toHex(remoteKey.raw),
    ip: ipOf(connection),
  }
}

function ipOf(connection: Connection): string {
  for (const component of connection.remoteAddr.getComponents()) {
    if (component.name === 'ip4' || component.name === 'ip6') return component.value ?? 'unknown'
  }
  return 'unknown'
}
