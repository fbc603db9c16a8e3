/**
 * The STUN and TURN servers a relay's operator offers nodes for voice calls (relay.yaml
 * `turn:`, doc/calls.md), handed to each node that asks with TURN credentials of its own.
 *
 * The credentials follow the TURN REST API that coturn implements (`use-auth-secret` with
 * `static-auth-secret`): username `<expiry, Unix seconds>:<peer id>`, password
 * base64(HMAC-SHA1(secret, username)). HMAC-SHA1 is what coturn checks, not a choice of ours;
 * as a MAC it stays sound. The TURN server needs no list of users, a credential expires by
 * itself, and a leaked one names the peer it was made for.
 */
import { createHmac } from 'node:crypto'
import type { IceServers } from '../../protocol/proto/directory.ts'

export interface IceServerOffer {
  /** stun:, turn: URLs (the relay's config). */
  urls: string[]
  /** coturn's static-auth-secret; without it the URLs go out without credentials (STUN). */
  secret?: string
  /** How long a credential works. */
  credentialTtlMs: number
}

/** What a node asking at `nowMs` as `peer` gets: the URLs, with its own TURN credentials. */
export function iceServersFor(offer: IceServerOffer, peer: string, nowMs: number): IceServers {
  if (offer.urls.length === 0) return { servers: [], expiresMs: 0 }
  if (offer.secret == null) {
    return { servers: [{ urls: offer.urls, username: '', credential: '' }], expiresMs: 0 }
  }
  const expiresMs = nowMs + offer.credentialTtlMs
  const username = `${Math.floor(expiresMs / 1000)}:${peer}`
  const credential = createHmac('sha1', offer.secret).update(username).digest('base64')
  return { servers: [{ urls: offer.urls, username, credential }], expiresMs }
}
