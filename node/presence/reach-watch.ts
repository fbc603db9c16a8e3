/**
 * Tells clients when the way the node reaches a friend changes (direct, through a relay,
 * mailbox only), so that they need not poll: every connection opened or closed to a friend
 * recomputes its reach, and one that differs from what was last said is emitted as
 * `friend:reach`, as is the reach of someone who just became a friend. Only friends with a connection are remembered (no entry means mailbox),
 * so the memory is bounded by the open connections.
 */
import type { Connection, Libp2p, PeerId } from '@libp2p/interface'
import { peerReach } from '../../network/peer-reach.ts'
import type { FriendReachView } from '../../protocol/local-api.ts'

export interface ReachWatchComponents {
  host: Pick<Libp2p, 'getConnections' | 'addEventListener' | 'removeEventListener'>
  isFriend(peer: Uint8Array): boolean
  emit(type: 'friend:reach', data: FriendReachView): void
}

export class FriendReachWatch {
  readonly #components: ReachWatchComponents
  /** Peer id -> the reach last said, for friends not on `mailbox`. */
  readonly #said = new Map<string, string>()

  readonly #onConnection = (event: CustomEvent<Connection>) => this.update(event.detail.remotePeer)

  constructor(components: ReachWatchComponents) {
    this.#components = components
  }

  /** Says the peer's reach if it is a friend and it changed (also when it became a friend). */
  update(peer: PeerId): void {
    const key = peer.publicKey
    const peerId = peer.toString()
    if (key?.type !== 'Ed25519' || !this.#components.isFriend(key.raw)) {
      this.#said.delete(peerId)
      return
    }
    const reach = peerReach(this.#components.host, peer)
    const said = reach.via === 'mailbox' ? undefined : JSON.stringify(reach)
    if (said === this.#said.get(peerId)) return
    if (said == null) this.#said.delete(peerId)
    else this.#said.set(peerId, said)
    this.#components.emit('friend:reach', { peerId, reach })
  }

  start(): void {
    this.#components.host.addEventListener('connection:open', this.#onConnection)
    this.#components.host.addEventListener('connection:close', this.#onConnection)
  }

  stop(): void {
    this.#components.host.removeEventListener('connection:open', this.#onConnection)
    this.#components.host.removeEventListener('connection:close', this.#onConnection)
    this.#said.clear()
  }
}
