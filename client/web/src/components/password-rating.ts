/**
 * The strength meter's reading. Acceptance uses the node's own rules, shared through
 * protocol/ (the node refuses exactly the passwords this marks "too weak"); the grades above
 * it only tell length and variety apart, to nudge people towards long passphrases.
 */
import { checkPasswordStrength } from '../../../../protocol/password-strength.ts'

export interface PasswordRating {
  /** 0 empty, 1 refused, 2 acceptable, 3 strong. */
  level: 0 | 1 | 2 | 3
  label: string
  accepted: boolean
}

const STRONG_LENGTH = 20

export function ratePassword(password: string): PasswordRating {
  if (password === '') return { level: 0, label: 'Type a password', accepted: false }
  const check = checkPasswordStrength(password)
  if (!check.ok) return { level: 1, label: `Too weak: ${check.reason}`, accepted: false }
  if ([...password].length >= STRONG_LENGTH) {
    return { level: 3, label: 'Strong', accepted: true }
  }
  return { level: 2, label: 'Acceptable: a few more words make it strong', accepted: true }
}
