/** The relays the node keeps connected to, and its saved relay list. */

/** One configured relay, as the node's bootstrap sees it. */
export interface RelayLinkStatus {
  /** The relay's multiaddr, ending in /p2p/<peer id>. */
  address: string
  peerId: string
  connected: boolean
  /** When the current connection opened (ms since epoch), or null. */
  connectedAt: number | null
  /** Dials failed since the last successful connection. */
  failedDials: number
  /** When the next redial is due (ms since epoch), or null when none is scheduled. */
  nextDialAt: number | null
  /** The node's address through this relay's circuit, or null while it has none. */
  circuitAddress: string | null
}

export interface RelayEntry extends RelayLinkStatus {
  /** In the saved list, so used at every start; false: given with `--relay` for this run only. */
  saved: boolean
}

export interface RelayListResponse {
  relays: RelayEntry[]
}

export interface RelayAddressRequest {
  /** A relay multiaddr ending in /p2p/<peer id> (remove: also the bare peer id). */
  address: string
}
