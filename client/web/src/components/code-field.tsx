/** A two-factor code: the authenticator app's 6 digits, or a recovery code. */
interface CodeFieldProps {
  id: string
  value: string
  onInput: (value: string) => void
  disabled?: boolean
  /** @default 'Two-factor code' */
  label?: string
}

export function CodeField({ id, value, onInput, disabled, label }: CodeFieldProps) {
  return (
    <div class="field">
      <label for={id}>{label ?? 'Two-factor code'}</label>
      <input
        id={id}
        type="text"
        value={value}
        autoComplete="one-time-code"
        spellcheck={false}
        disabled={disabled}
        aria-describedby={`${id}-hint`}
        onInput={(event) => onInput(event.currentTarget.value)}
        required
      />
      <small id={`${id}-hint`} class="hint">
        The 6 digits your authenticator app shows now, or one of your recovery codes.
      </small>
    </div>
  )
}
