import type { ComponentChildren } from 'preact'
import { t } from '../i18n/i18n.ts'

interface BannerProps {
  title: string
  children: ComponentChildren
  tone?: 'warning' | 'info'
  onDismiss?: () => void
}

/** A full-width notice above the app for something the user must know now. */
export function Banner({ title, children, tone = 'warning', onDismiss }: BannerProps) {
  return (
    <div class={`banner banner-${tone}`} role="alert">
      <div class="banner-text">
        <strong>{title}</strong> {children}
      </div>
      {onDismiss && (
        <button type="button" class="button-quiet" onClick={onDismiss}>
          {t('common.dismiss')}
        </button>
      )}
    </div>
  )
}
