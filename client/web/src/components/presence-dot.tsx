/** A friend's presence: a coloured dot with its meaning spelled out for screen readers. */
export function PresenceDot({ online }: { online: boolean }) {
  const label = online ? 'online' : 'offline'
  return (
    <span class="presence" data-online={online} data-testid="presence" title={label}>
      <span class="visually-hidden">{label}</span>
    </span>
  )
}
