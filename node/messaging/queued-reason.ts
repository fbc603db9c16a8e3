/**
 * Why an outgoing message is still queued, read off what the pipeline does with its outbox
 * item right now (no session yet, sent and unacked, being deposited, or neither peer nor
 * mailbox reachable after trying). Nothing is recorded for it: the answer is as fresh as the
 * history page that carries it, and the pipeline needs no extra state.
 */

import { waitingReason } from '../../protocol/dm-outbox.ts'
import type { MessageView, QueuedReason, QueuedReasonCode } from '../../protocol/local-api.ts'
import type { OutboxItem } from './peer-lane.ts'

const MESSAGES: Record<QueuedReasonCode, string> = {
  prekeys:
    "waiting for the recipient's prekeys to start an encrypted session (they publish them once online)",
  'awaiting-ack': "sending it to the recipient's node and waiting for it to confirm",
  depositing: 'putting it in the offline mailbox',
  unreachable:
    'no connection to the recipient and no relay or DHT server reachable for the mailbox: it goes to the mailbox as soon as one is',
}

export function queuedReason(item: OutboxItem): QueuedReason {
  const code = waitingReason(item)
  return { code, message: MESSAGES[code] }
}

/** The view, with why it waits when it is an outgoing message still in `outbox`. */
export function withQueuedReason(
  view: MessageView,
  outbox: ReadonlyMap<string, OutboxItem> | undefined,
): MessageView {
  const item = view.state === 'queued' ? outbox?.get(view.id) : undefined
  return item == null ? view : { ...view, queuedReason: queuedReason(item) }
}
