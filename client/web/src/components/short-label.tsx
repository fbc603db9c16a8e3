/**
 * A control's short visible word ("Accept") with its full name for screen readers ("Accept
 * alice"): two whole sentences, so each language orders its words itself.
 */
export function ShortLabel({ text, label }: { text: string; label: string }) {
  return (
    <>
      <span aria-hidden="true">{text}</span>
      <span class="visually-hidden">{label}</span>
    </>
  )
}
