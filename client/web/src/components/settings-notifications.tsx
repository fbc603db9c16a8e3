/** Notifications: desktop notifications while the tab is hidden (opt-in) and a tone. */
import { useState } from 'preact/hooks'
import {
  loadPrefs,
  type NotificationPrefs,
  notificationsSupported,
  playTone,
  savePrefs,
} from '../notifications.ts'
import { SettingsSection, useSectionActions } from './settings-section.tsx'

export function SettingsNotifications() {
  const [prefs, setPrefs] = useState<NotificationPrefs>(loadPrefs)
  const section = useSectionActions()
  const save = (next: NotificationPrefs) => {
    savePrefs(next)
    setPrefs(next)
  }

  const changeDesktop = (on: boolean) =>
    section.run(async () => {
      if (!on) {
        save({ ...prefs, desktop: false })
        return 'Desktop notifications are off.'
      }
      // The browser asks the user once; a refusal stays until they change it in the browser.
      const permission = await Notification.requestPermission()
      if (permission !== 'granted') {
        throw new Error(
          'The browser does not allow notifications for this page: allow them in its site settings, then try again.',
        )
      }
      save({ ...prefs, desktop: true })
      return 'You will be notified of messages and friend requests while TokenIM is in the background.'
    })

  const changeSound = (on: boolean) => {
    save({ ...prefs, sound: on })
    if (on) playTone()
  }

  return (
    <SettingsSection
      id="notifications"
      title="Notifications"
      notice={section.notice}
      error={section.error}
    >
      <div class="field">
        <label>
          <input
            type="checkbox"
            checked={prefs.desktop}
            disabled={!notificationsSupported()}
            onChange={(event) => void changeDesktop(event.currentTarget.checked)}
          />{' '}
          Desktop notifications while TokenIM is in the background
        </label>
      </div>
      <div class="field">
        <label>
          <input
            type="checkbox"
            checked={prefs.sound}
            onChange={(event) => changeSound(event.currentTarget.checked)}
          />{' '}
          Play a sound for new messages
        </label>
      </div>
      <p class="hint">Mute a single conversation from its header.</p>
    </SettingsSection>
  )
}
