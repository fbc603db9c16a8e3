/** Settings: profile, appear offline, key export, backup phrase, relays. */
import type { WebApiClient } from '../api-client.ts'

export interface SettingsScreenProps {
  client: WebApiClient
}

export function SettingsScreen(_props: SettingsScreenProps) {
  return (
    <section class="panel" aria-label="Settings">
      <h2>Settings</h2>
      <p>Settings are not available in this version of the web client yet.</p>
    </section>
  )
}
