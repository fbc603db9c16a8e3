/** The chat header's Mute / Unmute: no notification, sound or unread count for this chat. */
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
      title={muted ? 'Notifications are off for this chat' : 'Turn notifications off for this chat'}
      onClick={() => onChange(!muted)}
    >
      {muted ? 'Unmute' : 'Mute'}
    </button>
  )
}
