/**
 * The second step of an action that cannot be undone from here: the question, the action
 * named again, and Cancel, which takes the focus so a stray Enter does nothing harmful.
 */
import type { ComponentChildren } from 'preact'
import { useEffect, useRef } from 'preact/hooks'
import { t } from '../i18n/i18n.ts'

interface ConfirmStepProps {
  /** Names the group for assistive technology, e.g. "Confirm removing bob". */
  label: string
  children: ComponentChildren
  confirmText: string
  danger?: boolean
  onConfirm: () => void
  onCancel: () => void
}

export function ConfirmStep(props: ConfirmStepProps) {
  const cancel = useRef<HTMLButtonElement>(null)
  useEffect(() => cancel.current?.focus(), [])
  return (
    <fieldset class="confirm-step" aria-label={props.label}>
      <p>{props.children}</p>
      <div class="person-actions">
        <button
          type="button"
          class={props.danger === true ? 'button-danger' : 'button-primary'}
          onClick={props.onConfirm}
        >
          {props.confirmText}
        </button>
        <button type="button" ref={cancel} onClick={props.onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </fieldset>
  )
}
