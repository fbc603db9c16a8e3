/** The relays the node keeps connected to, and its saved relay list. */
import { z } from 'zod'
import { RELAY_API_PATHS } from './paths.ts'
import { apiRoute, named, nonEmpty } from './route.ts'

/** One configured relay, as the node's bootstrap sees it. */
export const RelayLinkStatus = named(
  'RelayLinkStatus',
  z.object({
    /** The relay's multiaddr, ending in /p2p/<peer id>. */
    address: z.string(),
    peerId: z.string(),
    connected: z.boolean(),
    /** When the current connection opened (ms since epoch), or null. */
    connectedAt: z.number().nullable(),
    /** Dials failed since the last successful connection. */
    failedDials: z.number(),
    /** When the next redial is due (ms since epoch), or null when none is scheduled. */
    nextDialAt: z.number().nullable(),
    /** The node's address through this relay's circuit, or null while it has none. */
    circuitAddress: z.string().nullable(),
  }),
)
export type RelayLinkStatus = z.infer<typeof RelayLinkStatus>

export const RelayEntry = named(
  'RelayEntry',
  RelayLinkStatus.extend({
    /** In the saved list, so used at every start; false: given with `--relay` for this run only. */
    saved: z.boolean(),
  }),
)
export type RelayEntry = z.infer<typeof RelayEntry>

export const RelayListResponse = named(
  'RelayListResponse',
  z.object({
    relays: z.array(RelayEntry),
  }),
)
export type RelayListResponse = z.infer<typeof RelayListResponse>

export const RelayAddressRequest = named(
  'RelayAddressRequest',
  z.object({
    /** A relay multiaddr ending in /p2p/<peer id> (remove: also the bare peer id). */
    address: nonEmpty(),
  }),
)
export type RelayAddressRequest = z.infer<typeof RelayAddressRequest>

/** The node's relays and its saved relay list. */
export const RELAY_ROUTES = {
  list: apiRoute({
    method: 'GET',
    path: RELAY_API_PATHS.list,
    summary: 'The relays the node keeps connected to, and which are saved',
    response: RelayListResponse,
  }),
  add: apiRoute({
    method: 'POST',
    path: RELAY_API_PATHS.add,
    summary: 'Connects to a relay now and saves it',
    body: RelayAddressRequest,
    response: RelayListResponse,
  }),
  remove: apiRoute({
    method: 'POST',
    path: RELAY_API_PATHS.remove,
    summary: 'Drops a relay (a multiaddr or its peer id) and unsaves it',
    body: RelayAddressRequest,
    response: RelayListResponse,
  }),
}
