/** Settings: name and picture, profile, language, appear offline, devices, key export, backup phrase, password, key rotation, recovery phrase, two-factor checks, relays, browser access. */
import { useEffect, useState } from 'preact/hooks'
import type { TwoFactorStatusResponse } from '../../../../protocol/local-api.ts'
import type { WebApiClient } from '../api-client.ts'
import { SettingsBackupPhrase } from '../components/settings-backup-phrase.tsx'
import { SettingsDevices } from '../components/settings-devices.tsx'
import { SettingsFace } from '../components/settings-face.tsx'
import { SettingsKeyExport } from '../components/settings-key-export.tsx'
import { SettingsKeyRotation } from '../components/settings-key-rotation.tsx'
import { SettingsLanguage } from '../components/settings-language.tsx'
import { SettingsNotifications } from '../components/settings-notifications.tsx'
import { SettingsPassword } from '../components/settings-password.tsx'
import { SettingsPresence } from '../components/settings-presence.tsx'
import { SettingsProfile } from '../components/settings-profile.tsx'
import { SettingsRecovery } from '../components/settings-recovery.tsx'
import { SettingsRelays } from '../components/settings-relays.tsx'
import { SettingsTwoFactor } from '../components/settings-two-factor.tsx'
import { SettingsWebAccess } from '../components/settings-web-access.tsx'
import { t } from '../i18n/i18n.ts'

export interface SettingsScreenProps {
  client: WebApiClient
  /** This account's peer id (its colour when it has no picture). */
  selfPeerId?: string
}

export function SettingsScreen({ client, selfPeerId }: SettingsScreenProps) {
  // Whether the secrets' forms ask for a code; a node without the route has no checks.
  const [twoFactor, setTwoFactor] = useState<TwoFactorStatusResponse | null>(null)
  useEffect(() => {
    void client.twoFactorStatus().then(setTwoFactor, () => setTwoFactor({ enabled: false }))
  }, [client])
  const withCode = twoFactor?.enabled === true
  return (
    <section class="panel settings" aria-label={t('sections.settings')}>
      <h2>{t('sections.settings')}</h2>
      <SettingsFace client={client} selfPeerId={selfPeerId} />
      <SettingsProfile client={client} />
      <SettingsLanguage />
      <SettingsNotifications />
      <SettingsPresence client={client} />
      <SettingsDevices client={client} withCode={withCode} />
      <SettingsKeyExport client={client} withCode={withCode} />
      <SettingsBackupPhrase client={client} withCode={withCode} />
      <SettingsPassword client={client} withCode={withCode} />
      <SettingsKeyRotation client={client} withCode={withCode} />
      <SettingsRecovery client={client} withCode={withCode} />
      <SettingsTwoFactor client={client} status={twoFactor} onStatus={setTwoFactor} />
      <SettingsRelays client={client} />
      <SettingsWebAccess client={client} />
    </section>
  )
}
