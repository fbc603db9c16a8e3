/** Appear offline: friends see this identity offline while the node still runs. */
import { useEffect, useState } from 'preact/hooks'
import type { WebApiClient } from '../api-client.ts'
import { t } from '../i18n/i18n.ts'
import { SettingsSection, useSectionActions } from './settings-section.tsx'

export function SettingsPresence({ client }: { client: WebApiClient }) {
  const [appearOffline, setAppearOffline] = useState<boolean | null>(null)
  const section = useSectionActions()
  useEffect(() => {
    void section.run(async () => {
      setAppearOffline((await client.presenceSettings()).appearOffline)
      return undefined
    })
  }, [client])

  const change = (next: boolean) =>
    section.run(async () => {
      // The box follows the click at once and goes back if the node refuses.
      setAppearOffline(next)
      const saved = await client.setPresenceSettings({ appearOffline: next }).catch((err) => {
        setAppearOffline(!next)
        throw err
      })
      setAppearOffline(saved.appearOffline)
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
            checked={appearOffline === true}
            disabled={appearOffline == null}
            onChange={(event) => void change(event.currentTarget.checked)}
          />{' '}
          {t('presence.appearOffline')}
        </label>
      </div>
    </SettingsSection>
  )
}
