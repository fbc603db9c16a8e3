/**
 * Presence settings: appear offline (friends see this identity offline while the node still
 * runs) and typing indicators (both sides' or neither: doc/friends.md, "Typing").
 */
import { useEffect, useState } from 'preact/hooks'
import type { PresenceSettings } from '../../../../protocol/local-api.ts'
import type { WebApiClient } from '../api-client.ts'
import { t } from '../i18n/i18n.ts'
import { SettingsSection, useSectionActions } from './settings-section.tsx'

export function SettingsPresence({ client }: { client: WebApiClient }) {
  const [settings, setSettings] = useState<PresenceSettings | null>(null)
  const section = useSectionActions()
  useEffect(() => {
    void section.run(async () => {
      setSettings(await client.presenceSettings())
      return undefined
    })
  }, [client])

  const change = (next: Partial<PresenceSettings>) =>
    section.run(async () => {
      if (settings == null) return undefined
      // The box follows the click at once and goes back if the node refuses.
      setSettings({ ...settings, ...next })
      const saved = await client.setPresenceSettings(next).catch((err) => {
        setSettings(settings)
        throw err
      })
      setSettings(saved)
      if (next.typingIndicators != null) {
        return saved.typingIndicators ? t('presence.typingOn') : t('presence.typingOff')
      }
      return saved.appearOffline ? t('presence.nowOffline') : t('presence.nowOnline')
    })

  return (
    <SettingsSection
      id="presence"
      title={t('presence.title')}
      notice={section.notice}
      error={section.error}
    >
      <div class="field">
        <label>
          <input
            type="checkbox"
            checked={settings?.appearOffline === true}
            disabled={settings == null}
            onChange={(event) => void change({ appearOffline: event.currentTarget.checked })}
          />{' '}
          {t('presence.appearOffline')}
        </label>
      </div>
      <div class="field">
        <label>
          <input
            type="checkbox"
            checked={settings?.typingIndicators === true}
            disabled={settings == null}
            onChange={(event) => void change({ typingIndicators: event.currentTarget.checked })}
          />{' '}
          {t('presence.typingIndicators')}
        </label>
      </div>
    </SettingsSection>
  )
}
