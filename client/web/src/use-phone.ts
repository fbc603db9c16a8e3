/**
 * Whether the window is as narrow as a phone's: the width below which styles.css shows one
 * pane at a time (the sidebar covering the main pane). Follows resizes and rotations, so what
 * the shell places in the sidebar on a phone moves back to the main pane on a wider window.
 */
import { useEffect, useState } from 'preact/hooks'

/** Must match the `@media` of the one-pane layout in styles.css. */
export const PHONE_MEDIA = '(max-width: 720px)'

export function usePhone(): boolean {
  const [phone, setPhone] = useState(() => window.matchMedia(PHONE_MEDIA).matches)
  useEffect(() => {
    const query = window.matchMedia(PHONE_MEDIA)
    const changed = () => setPhone(query.matches)
    changed()
    query.addEventListener('change', changed)
    return () => query.removeEventListener('change', changed)
  }, [])
  return phone
}
