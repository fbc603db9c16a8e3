/** Times as a chat shows them: the clock for today, the date before that. */
export function shortTime(ms: number, now = Date.now()): string {
  const date = new Date(ms)
  const sameDay = new Date(now).toDateString() === date.toDateString()
  return sameDay
    ? date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleDateString(undefined, { day: 'numeric', month: 'short' })
}

/** The full date and time, for titles. */
export function fullTime(ms: number): string {
  return new Date(ms).toLocaleString()
}
