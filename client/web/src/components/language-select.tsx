/**
 * The language picker: the browser's language, English or 简体中文, each language named in
 * itself; the choice is kept in this browser and every screen switches at once (i18n.ts).
 */
import { useState } from 'preact/hooks'
import {
  browserLanguage,
  chooseLanguage,
  type LanguageChoice,
  storedChoice,
  t,
} from '../i18n/i18n.ts'

/** Each language by its own name. */
const NAMES = { en: 'English', zh: '简体中文' } as const

interface LanguageSelectProps {
  id: string
  label: string
  disabled?: boolean
  /** Runs the change (Settings reports its errors); a plain call by default. */
  onChoose?: (choice: LanguageChoice, apply: () => Promise<void>) => void
}

export function LanguageSelect({ id, label, disabled, onChoose }: LanguageSelectProps) {
  const [choice, setChoice] = useState<LanguageChoice>(storedChoice)
  const change = (next: LanguageChoice) => {
    setChoice(next)
    const apply = () => chooseLanguage(next)
    if (onChoose) onChoose(next, apply)
    else void apply()
  }
  return (
    <>
      <label for={id}>{label}</label>
      <select
        id={id}
        value={choice}
        disabled={disabled}
        onChange={(event) => change(event.currentTarget.value as LanguageChoice)}
      >
        <option value="auto">{t('language.browser', { name: NAMES[browserLanguage()] })}</option>
        <option value="en">{NAMES.en}</option>
        <option value="zh">{NAMES.zh}</option>
      </select>
    </>
  )
}
