/** Settings: profile, appear offline, key export, backup phrase, password, relays. */
import type { WebApiClient } from '../api-client.ts'
import { SettingsBackupPhrase } from '../components/settings-backup-phrase.tsx'
import { SettingsKeyExport } from '../components/settings-key-export.tsx'
import { SettingsPassword } from '../components/settings-password.tsx'
import { SettingsPresence } from '../components/settings-presence.tsx'
import { SettingsProfile } from '../components/settings-profile.tsx'
import { SettingsRelays } from '../components/settings-relays.tsx'

export interface SettingsScreenProps {
  client: WebApiClient
}

export function SettingsScreen({ client }: SettingsScreenProps) {
  return (
    <section class="panel settings" aria-label="Settings">
      <h2>Settings</h2>
      <SettingsProfile client={client} />
      <SettingsPresence client={client} />
      <SettingsKeyExport client={client} />
      <SettingsBackupPhrase client={client} />
      <SettingsPassword client={client} />
      <SettingsRelays client={client} />
    </section>
  )
}
