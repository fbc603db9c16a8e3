/** A friend's presence: a coloured dot with its meaning spelled out for screen readers. */
import { t } from '../i18n/i18n.ts'
export function PresenceDot({ online }: { online: boolean }) {
  const label = online ? t('presence.online') : t('presence.offline')
  return (
    <span class="presence" data-online={online} data-testid="presence" title={label}>
      <span class="visually-hidden">{label}</span>
    </span>
  )
}
