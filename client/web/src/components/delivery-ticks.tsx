/** Where an outgoing message is: a clock, one tick, two ticks, two coloured ticks, or a cross. */
import type { DeliveryState } from '../../../../protocol/local-api.ts'

const LOOK: Record<DeliveryState, [mark: string, meaning: string]> = {
  queued: ['◷', 'Queued on your node'],
  stored: ['✓', 'Stored in the offline mailbox'],
  delivered: ['✓✓', 'Delivered'],
  read: ['✓✓', 'Read'],
  failed: ['✕', 'Not delivered'],
}

/** `detail`: why it failed, or why it is still queued. */
export function DeliveryTicks({ state, detail }: { state: DeliveryState; detail?: string }) {
  const [mark, meaning] = LOOK[state]
  const text = detail != null ? `${meaning}: ${detail}` : meaning
  return (
    <span class="ticks" data-state={state} data-testid="delivery" title={text}>
      <span aria-hidden="true">{mark}</span>
      <span class="visually-hidden">{text}</span>
    </span>
  )
}
