/** Where an outgoing message is: a clock, one tick, two ticks, two coloured ticks, or a cross. */
import type { DeliveryState } from '../../../../protocol/local-api.ts'
import { t } from '../i18n/i18n.ts'

const LOOK: Record<DeliveryState, [mark: string, meaning: `delivery.${DeliveryState}`]> = {
  queued: ['◷', 'delivery.queued'],
  stored: ['✓', 'delivery.stored'],
  delivered: ['✓✓', 'delivery.delivered'],
  read: ['✓✓', 'delivery.read'],
  failed: ['✕', 'delivery.failed'],
}

/** `detail`: why it failed, or why it is still queued. */
export function DeliveryTicks({ state, detail }: { state: DeliveryState; detail?: string }) {
  const [mark, key] = LOOK[state]
  const meaning = t(key)
  const text = detail != null ? t('delivery.withDetail', { meaning, detail }) : meaning
  return (
    <span class="ticks" data-state={state} data-testid="delivery" title={text}>
      <span aria-hidden="true">{mark}</span>
      <span class="visually-hidden">{text}</span>
    </span>
  )
}
