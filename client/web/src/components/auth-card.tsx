import type { ComponentChildren } from 'preact'
import { useEffect, useRef } from 'preact/hooks'
import { t } from '../i18n/i18n.ts'
import { LanguageSelect } from './language-select.tsx'

/**
 * The frame of the screens before the app: a centered card whose heading takes focus, with
 * the language picker under it (these screens come before Settings).
 */
export function AuthCard({ title, children }: { title: string; children: ComponentChildren }) {
  const heading = useRef<HTMLHeadingElement>(null)
  useEffect(() => {
    // A new screen: focus its first field if it has one to fill, else its title, so keyboard
    // and screen reader users start there.
    const card = heading.current?.parentElement
    const first = card?.querySelector<HTMLElement>('[data-initial-focus]')
    ;(first ?? heading.current)?.focus()
  }, [title])
  return (
    <main class="auth">
      <section class="card" aria-labelledby="screen-title">
        <p class="brand" aria-hidden="true">
          TokenIM
        </p>
        <h1 id="screen-title" tabIndex={-1} ref={heading}>
          {title}
        </h1>
        {children}
        <div class="auth-language">
          <LanguageSelect id="auth-language" label={t('language.title')} />
        </div>
      </section>
    </main>
  )
}
