/** How the client says the way the node reaches a friend now: short, with details in a title. */
import type { PeerReach } from '../../../protocol/local-api.ts'

export const MAILBOX_ONLY = 'no connection — messages wait in the mailbox'

/** `direct`, `via relay 12D3…abcd`, or that messages wait in the mailbox. */
export function reachText(reach: PeerReach): string {
  if (reach.via === 'direct') return 'direct'
  if (reach.via === 'relay') return `via relay ${shortRelayId(reach.relay)}`
  return MAILBOX_ONLY
}

/** What a tooltip adds: the address in use and the relay's whole peer id. */
export function reachTitle(reach: PeerReach): string {
  if (reach.via === 'direct') return `Connected directly: ${reach.address ?? ''}`
  if (reach.via === 'relay') {
    return `Connected through the relay ${reach.relay ?? '(unknown)'}: ${reach.address ?? ''}`
  }
  return 'No connection to this friend now: messages wait, encrypted, in the offline mailbox until they collect them.'
}

/** A relay's peer id by its first and last characters (`12D3…abcd`). */
function shortRelayId(peerId: string | undefined): string {
  if (peerId == null) return 'unknown'
  return peerId.length > 12 ? `${peerId.slice(0, 4)}…${peerId.slice(-4)}` : peerId
}
