import { ratePassword } from './password-rating.ts'

interface PasswordFieldProps {
  id: string
  label: string
  value: string
  onInput: (value: string) => void
  autoComplete: 'new-password' | 'current-password'
  /** Shows the strength meter under the field (for new passwords). */
  withMeter?: boolean
  /** Takes the focus when the screen opens. */
  initialFocus?: boolean
  disabled?: boolean
}

export function PasswordField(props: PasswordFieldProps) {
  const rating = props.withMeter ? ratePassword(props.value) : undefined
  const meterId = `${props.id}-strength`
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        type="password"
        value={props.value}
        autoComplete={props.autoComplete}
        data-initial-focus={props.initialFocus || undefined}
        disabled={props.disabled}
        aria-describedby={rating ? meterId : undefined}
        aria-invalid={rating?.level === 1 ? true : undefined}
        onInput={(event) => props.onInput(event.currentTarget.value)}
        required
      />
      {rating && (
        <div class="strength" data-level={rating.level}>
          <meter
            min={0}
            max={3}
            low={1.5}
            high={2.5}
            optimum={3}
            value={rating.level}
            aria-hidden="true"
          />
          <span id={meterId} aria-live="polite" data-testid="password-strength">
            {rating.label}
          </span>
        </div>
      )}
    </div>
  )
}
