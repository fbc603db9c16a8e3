/**
 * The strength meter's reading. Acceptance uses the node's own rules, shared through
 * protocol/ (the node refuses exactly the passwords this marks "too weak"); the grades above
 * it only tell length and variety apart, to nudge people towards long passphrases.
 */
import { checkPasswordStrength } from '../../../../protocol/password-strength.ts'
import { language, t } from '../i18n/i18n.ts'

export interface PasswordRating {
  /** 0 empty, 1 refused, 2 acceptable, 3 strong. */
  level: 0 | 1 | 2 | 3
  label: string
  accepted: boolean
}

const STRONG_LENGTH = 20

export function ratePassword(password: string): PasswordRating {
  if (password === '') return { level: 0, label: t('password.type'), accepted: false }
  const check = checkPasswordStrength(password)
  if (!check.ok) {
    // The reason is worded in English by protocol/; other languages say it generally.
    const label =
      language() === 'en'
        ? t('password.tooWeakWhy', { reason: check.reason })
        : t('password.tooWeak')
    return { level: 1, label, accepted: false }
  }
  if ([...password].length >= STRONG_LENGTH) {
    return { level: 3, label: t('password.strong'), accepted: true }
  }
  return { level: 2, label: t('password.acceptable'), accepted: true }
}
