/**
 * Language / 语言: the web client's language, the browser's by default; kept in this
 * browser (i18n.ts). The label names itself in both languages so anyone can find it.
 */
import { useState } from 'preact/hooks'
import {
  browserLanguage,
  chooseLanguage,
  type LanguageChoice,
  storedChoice,
  t,
} from '../i18n/i18n.ts'
import { SettingsSection, useSectionActions } from './settings-section.tsx'

/** Each language by its own name. */
const NAMES = { en: 'English', zh: '简体中文' } as const

export function SettingsLanguage() {
  const [choice, setChoice] = useState<LanguageChoice>(storedChoice)
  const section = useSectionActions()
  const change = (next: LanguageChoice) =>
    section.run(async () => {
      setChoice(next)
      await chooseLanguage(next)
      return undefined
    })
  return (
    <SettingsSection
      id="language"
      title={t('language.title')}
      notice={section.notice}
      error={section.error}
    >
      <div class="field">
        <label for="language-choice">{t('language.label')}</label>
        <select
          id="language-choice"
          value={choice}
          disabled={section.busy}
          onChange={(event) => void change(event.currentTarget.value as LanguageChoice)}
        >
          <option value="auto">{t('language.browser', { name: NAMES[browserLanguage()] })}</option>
          <option value="en">{NAMES.en}</option>
          <option value="zh">{NAMES.zh}</option>
        </select>
      </div>
    </SettingsSection>
  )
}
