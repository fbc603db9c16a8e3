/** Times as a chat shows them, in the reader's language (i18n.ts): the clock for today, the date before that. */
import { locale } from './i18n/i18n.ts'

export function shortTime(ms: number, now = Date.now()): string {
  const date = new Date(ms)
  const sameDay = new Date(now).toDateString() === date.toDateString()
  const options: Intl.DateTimeFormatOptions = sameDay
    ? { hour: '2-digit', minute: '2-digit' }
    : { day: 'numeric', month: 'short' }
  return new Intl.DateTimeFormat(locale(), options).format(date)
}

/** The full date and time, for titles. */
export function fullTime(ms: number): string {
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(ms)
}
