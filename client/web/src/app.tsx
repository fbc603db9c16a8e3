/** The web client's screens, chosen by what the node answers at GET /v1/state. */
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks'
import type { StateResponse } from '../../../protocol/local-api.ts'
import { WebApiClient } from './api-client.ts'
import { AuthCard } from './components/auth-card.tsx'
import { describeError } from './errors.ts'
import { t, tx, useLanguage } from './i18n/i18n.ts'
import { BackupPhrase } from './screens/backup-phrase.tsx'
import { CreateIdentity } from './screens/create-identity.tsx'
import { LinkDevice } from './screens/link-device.tsx'
import { RestoreIdentity } from './screens/restore-identity.tsx'
import { Shell } from './screens/shell.tsx'
import { Unlock } from './screens/unlock.tsx'
import { Welcome } from './screens/welcome.tsx'

type View =
  | { name: 'loading' }
  | { name: 'failed'; message: string }
  | { name: 'welcome'; phrasePending: boolean }
  | { name: 'create' }
  | { name: 'phrase'; phrase: string; password: string }
  | { name: 'restore'; replacing: boolean }
  | { name: 'link' }
  | { name: 'unlock'; retryAfterMs: number }
  | { name: 'running' }

function viewOf(state: StateResponse): View {
  switch (state.state) {
    case 'no-identity':
      return { name: 'welcome', phrasePending: state.phrasePending === true }
    case 'locked':
      return { name: 'unlock', retryAfterMs: state.retryAfterMs ?? 0 }
    case 'running':
      return { name: 'running' }
  }
}

export function App({ token }: { token: string | null }) {
  const client = useMemo(() => (token ? new WebApiClient(token) : null), [token])
  const [view, setView] = useState<View>({ name: 'loading' })
  // Every screen renders again in the new language when the user changes it.
  useLanguage()

  const load = useCallback(async () => {
    if (client == null) return
    setView({ name: 'loading' })
    try {
      setView(viewOf(await client.state()))
    } catch (err) {
      setView({ name: 'failed', message: describeError(err) })
    }
  }, [client])

  useEffect(() => {
    void load()
  }, [load])
  const reconnected = useCallback(() => void load(), [load])

  if (client == null) {
    return (
      <AuthCard title={t('app.openFromAddress')}>
        <p>
          {tx('app.needsAddress', {
            command: <code>tokenim start</code>,
            suffix: <code>#token=…</code>,
          })}
        </p>
      </AuthCard>
    )
  }

  switch (view.name) {
    case 'loading':
      return (
        <main class="auth" aria-busy="true">
          <p class="loading">{t('app.connecting')}</p>
        </main>
      )
    case 'failed':
      return (
        <AuthCard title={t('app.cannotReach')}>
          <p class="error" role="alert">
            {view.message}
          </p>
          <div class="actions">
            <button type="button" class="button-primary" onClick={() => void load()}>
              {t('common.retry')}
            </button>
          </div>
        </AuthCard>
      )
    case 'welcome':
      return (
        <Welcome
          phrasePending={view.phrasePending}
          onCreate={() => setView({ name: 'create' })}
          onRestore={() => setView({ name: 'restore', replacing: false })}
          onLink={() => setView({ name: 'link' })}
        />
      )
    case 'link':
      return (
        <LinkDevice
          client={client}
          onLinked={() => setView({ name: 'running' })}
          onBack={() => void load()}
        />
      )
    case 'create':
      return (
        <CreateIdentity
          client={client}
          onPhrase={(phrase, password) => setView({ name: 'phrase', phrase, password })}
          onBack={() => void load()}
        />
      )
    case 'phrase':
      return (
        <BackupPhrase
          phrase={view.phrase}
          onConfirmed={async () => {
            // The identity is made only now, from the words the user has typed back.
            await client.restoreIdentity({ phrase: view.phrase, password: view.password })
            setView({ name: 'running' })
          }}
        />
      )
    case 'restore':
      return (
        <RestoreIdentity
          client={client}
          replacing={view.replacing}
          onRestored={() => setView({ name: 'running' })}
          onBack={() => void load()}
        />
      )
    case 'unlock':
      return (
        <Unlock
          client={client}
          initialRetryAfterMs={view.retryAfterMs}
          onUnlocked={() => setView({ name: 'running' })}
          onForgot={() => setView({ name: 'restore', replacing: true })}
        />
      )
    case 'running':
      return <Shell client={client} onNodeNotRunning={reconnected} />
  }
}
