/** The chat header's Mute / Unmute: no notification, sound or unread count for this chat. */
import { t } from '../i18n/i18n.ts'

interface MuteToggleProps {
  muted: boolean
  onChange: (muted: boolean) => void
}

export function MuteToggle({ muted, onChange }: MuteToggleProps) {
  return (
    <button
      type="button"
      class="button-quiet chat-mute"
      aria-pressed={muted}
      title={muted ? t('mute.offTitle') : t('mute.onTitle')}
      onClick={() => onChange(!muted)}
    >
      {muted ? t('mute.unmute') : t('mute.mute')}
    </button>
  )
}
