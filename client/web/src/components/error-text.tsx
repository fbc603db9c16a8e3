/** A readable error under a form: announced at once to screen readers. */
export function ErrorText({ message }: { message: string | null | undefined }) {
  if (!message) return null
  return (
    <p class="error" role="alert">
      {message}
    </p>
  )
}
