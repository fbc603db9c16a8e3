/** How the client says the way the node reaches a friend now: short, with details in a title. */
import type { PeerReach } from '../../../protocol/local-api.ts'
import { t } from './i18n/i18n.ts'

/** `direct`, `via relay 12D3…abcd`, or that messages wait in the mailbox. */
export function reachText(reach: PeerReach): string {
  if (reach.via === 'direct') return t('reach.direct')
  if (reach.via === 'relay') return t('reach.viaRelay', { relay: shortRelayId(reach.relay) })
  return t('reach.mailboxOnly')
}

/** What a tooltip adds: the address in use and the relay's whole peer id. */
export function reachTitle(reach: PeerReach): string {
  if (reach.via === 'direct') return t('reach.directTitle', { address: reach.address ?? '' })
  if (reach.via === 'relay') {
    return t('reach.relayTitle', {
      relay: reach.relay ?? t('reach.unknown'),
      address: reach.address ?? '',
    })
  }
  return t('reach.mailboxTitle')
}

/** A relay's peer id by its first and last characters (`12D3…abcd`). */
function shortRelayId(peerId: string | undefined): string {
  if (peerId == null) return t('reach.unknown')
  return peerId.length > 12 ? `${peerId.slice(0, 4)}…${peerId.slice(-4)}` : peerId
}
