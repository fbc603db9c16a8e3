/**
 * The contract of a node's local control API, shared by the node that serves it and every
 * client (CLI, terminal chat, web client). Types and constants only.
 */

/** What a running node writes to `api.json` in its data dir (mode 0600); clients read it. */
export interface ApiInfo {
  url: string
  token: string
  pid: number
  peerId: string
}

export interface IdentityInfo {
  peerId: string
  /** Ed25519 public key, hex. */
  publicKey: string
  /** Human-checkable fingerprint of the public key. */
  fingerprint: string
}

export interface NodeStatus extends IdentityInfo {
  listenAddresses: string[]
  connections: number
  peers: string[]
  dataDir: string
  apiUrl: string | null
  startedAt: number
  version: string
  /** The relays the node was told to keep connected to. */
  relays: RelayLinkStatus[]
}

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
}

/** Body of every non-2xx answer. `name` is stable; `message` is for people. */
export interface ApiErrorBody {
  error: { name: string; message: string }
}

/** Events a node streams over `GET /v1/events` (WebSocket). */
export interface NodeEventMap {
  'node:started': { peerId: string; listenAddresses: string[] }
  'node:stopping': { reason: string }
  'peer:connected': { peerId: string }
  'peer:disconnected': { peerId: string }
}

export type NodeEventType = keyof NodeEventMap

export interface NodeEventMessage<T extends NodeEventType = NodeEventType> {
  type: T
  at: number
  data: NodeEventMap[T]
}

export const API_PATHS = {
  status: '/v1/status',
  id: '/v1/id',
  stop: '/v1/stop',
  events: '/v1/events',
} as const

/** The WebSocket subprotocol of the event stream. */
export const EVENTS_SUBPROTOCOL = 'tokenim'
/** A browser cannot set headers on a WebSocket, so it may offer the token as a subprotocol. */
export const TOKEN_SUBPROTOCOL_PREFIX = 'tokenim-token.'

/** Name of the file, in the node's data dir, that holds its ApiInfo while it runs. */
export const API_INFO_FILE = 'api.json'
