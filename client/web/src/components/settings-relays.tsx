/** The relays this node keeps connected to: their state, adding one, removing one (saved). */
import { useCallback, useState } from 'preact/hooks'
import type { RelayEntry, RelayListResponse } from '../../../../protocol/local-api.ts'
import type { WebApiClient } from '../api-client.ts'
import { describeError } from '../errors.ts'
import { t } from '../i18n/i18n.ts'
import { useNodeEvent, useStreamOpen } from '../node-events.ts'
import { shortPeerId } from '../people.ts'
import { SettingsSection, useSectionActions } from './settings-section.tsx'

export function SettingsRelays({ client }: { client: WebApiClient }) {
  const [relays, setRelays] = useState<RelayEntry[] | null>(null)
  const [address, setAddress] = useState('')
  const section = useSectionActions()
  const { setError } = section

  const reload = useCallback(
    () =>
      client
        .relays()
        .then(({ relays }) => setRelays(relays))
        .catch((err: unknown) => setError(describeError(err))),
    [client, setError],
  )
  useStreamOpen(() => void reload())
  // A relay connects or drops: its state changes.
  useNodeEvent('peer:connected', ({ peerId }) => {
    if (relays?.some((relay) => relay.peerId === peerId)) void reload()
  })
  useNodeEvent('peer:disconnected', ({ peerId }) => {
    if (relays?.some((relay) => relay.peerId === peerId)) void reload()
  })

  const change = (call: () => Promise<RelayListResponse>, done: string) =>
    section.run(async () => {
      setRelays((await call()).relays)
      return done
    })

  const add = (event: Event) => {
    event.preventDefault()
    void change(() => client.addRelay(address.trim()), t('relays.added')).then(() => setAddress(''))
  }

  return (
    <SettingsSection
      id="relays"
      title={t('relays.title')}
      notice={section.notice}
      error={section.error}
    >
      <p>{t('relays.intro')}</p>
      {relays != null && relays.length === 0 && <p class="list-empty">{t('relays.none')}</p>}
      <ul class="people" aria-label={t('relays.title')}>
        {relays?.map((relay) => (
          <li key={relay.peerId} class="person" data-testid="relay">
            <span class="person-text">
              <span class="person-name" translate={false} title={relay.address}>
                {shortPeerId(relay.peerId)}
              </span>
              <span class="person-note">
                {relay.connected
                  ? t('relays.connected')
                  : t('relays.notConnected', { count: relay.failedDials })}
                {relay.saved ? '' : t('relays.thisRun', { flag: '--relay' })}
              </span>
            </span>
            <div class="person-actions">
              <button
                type="button"
                disabled={section.busy}
                onClick={() =>
                  void change(() => client.removeRelay(relay.peerId), t('relays.removed'))
                }
              >
                <span aria-hidden="true">{t('contacts.remove')}</span>
                <span class="visually-hidden">
                  {t('relays.removeName', { relay: shortPeerId(relay.peerId) })}
                </span>
              </button>
            </div>
          </li>
        ))}
      </ul>
      <form onSubmit={add} aria-label={t('relays.addForm')}>
        <div class="field">
          <label for="relay-address">{t('relays.address')}</label>
          <input
            id="relay-address"
            value={address}
            autoComplete="off"
            spellcheck={false}
            placeholder="/ip4/203.0.113.5/tcp/4001/p2p/12D3KooW…"
            onInput={(event) => setAddress(event.currentTarget.value)}
            required
          />
        </div>
        <button type="submit" disabled={section.busy || address.trim() === ''}>
          {t('relays.add')}
        </button>
      </form>
    </SettingsSection>
  )
}
