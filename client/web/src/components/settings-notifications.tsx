/** Notifications: desktop notifications while the tab is hidden (opt-in) and a tone. */
import { useState } from 'preact/hooks'
import { t } from '../i18n/i18n.ts'
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
        return t('notifications.desktopOff')
      }
      // The browser asks the user once; a refusal stays until they change it in the browser.
      const permission = await Notification.requestPermission()
      if (permission !== 'granted') {
        throw new Error(t('notifications.denied'))
      }
      save({ ...prefs, desktop: true })
      return t('notifications.desktopOn')
    })

  const changeSound = (on: boolean) => {
    save({ ...prefs, sound: on })
    if (on) playTone()
  }

  return (
    <SettingsSection
      id="notifications"
      title={t('notifications.title')}
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
          {t('notifications.desktop')}
        </label>
      </div>
      <div class="field">
        <label>
          <input
            type="checkbox"
            checked={prefs.sound}
            onChange={(event) => changeSound(event.currentTarget.checked)}
          />{' '}
          {t('notifications.sound')}
        </label>
      </div>
      <p class="hint">{t('notifications.muteHint')}</p>
    </SettingsSection>
  )
}
