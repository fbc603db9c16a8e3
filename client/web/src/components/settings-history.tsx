/**
 * Settings, Devices, history from the account's other devices (doc/accounts.md, "History on a
 * new device"): where the transfer to this device stands, live from the node's
 * `device:history` events (a progress bar while it runs), and asking for it (all, the last N
 * days); the same choice again goes on from where a transfer stopped.
 */
import { useEffect, useState } from 'preact/hooks'
import type { HistoryChoice, HistoryTransferStatus } from '../../../../protocol/local-api.ts'
import type { WebApiClient } from '../api-client.ts'
import { t } from '../i18n/i18n.ts'
import { useNodeEvent } from '../node-events.ts'
import { useSectionActions } from './settings-section.tsx'

const CHOICES: HistoryChoice[] = ['all', 365, 30, 7, 'none']

/** The choice of how much history to get, as a select. */
export function HistoryChoiceSelect(props: {
  id: string
  value: HistoryChoice
  onChange: (value: HistoryChoice) => void
  disabled?: boolean
  withNone?: boolean
}) {
  const choices = props.withNone === false ? CHOICES.filter((c) => c !== 'none') : CHOICES
  return (
    <select
      id={props.id}
      value={String(props.value)}
      disabled={props.disabled}
      onChange={(event) => {
        const value = event.currentTarget.value
        props.onChange(value === 'all' || value === 'none' ? value : Number(value))
      }}
    >
      {choices.map((choice) => (
        <option key={String(choice)} value={String(choice)}>
          {choice === 'all'
            ? t('history.all')
            : choice === 'none'
              ? t('history.none')
              : t('history.days', { days: choice })}
        </option>
      ))}
    </select>
  )
}

export function SettingsHistory({ client }: { client: WebApiClient }) {
  const section = useSectionActions()
  const [status, setStatus] = useState<HistoryTransferStatus | null>(null)
  const [choice, setChoice] = useState<HistoryChoice>('all')

  useEffect(() => {
    void section.run(async () => {
      setStatus(await client.historyTransfer())
      return undefined
    })
  }, [client])
  useNodeEvent('device:history', (update) => setStatus(update))

  const ask = (event: Event) => {
    event.preventDefault()
    void section.run(async () => {
      setStatus(await client.requestHistory({ history: choice }))
      return undefined
    })
  }

  return (
    <section aria-label={t('history.title')} class="history-transfer">
      <h3>{t('history.title')}</h3>
      {section.error != null && (
        <p class="error" role="alert">
          {section.error}
        </p>
      )}
      {status != null && <HistoryStatusLine status={status} />}
      <p class="hint">{t('history.hint')}</p>
      <form onSubmit={ask} aria-label={t('history.get')}>
        <div class="field">
          <label for="history-choice">{t('history.choice')}</label>
          <HistoryChoiceSelect
            id="history-choice"
            value={choice}
            onChange={setChoice}
            disabled={section.busy}
            withNone={false}
          />
        </div>
        <button type="submit" disabled={section.busy || status?.state === 'running'}>
          {t('history.get')}
        </button>
      </form>
    </section>
  )
}

function HistoryStatusLine({ status }: { status: HistoryTransferStatus }) {
  const values = {
    device: status.from ?? '',
    taken: status.taken,
    total: status.total,
    reason: status.error?.message ?? '',
  }
  if (status.state === 'none') return <p>{t('history.stateNone')}</p>
  return (
    <div role="status" data-history-state={status.state}>
      <p>{t(`history.${status.state}`, values)}</p>
      {status.state === 'running' && (
        <progress max={Math.max(status.total, 1)} value={status.taken} />
      )}
    </div>
  )
}
