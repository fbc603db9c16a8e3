/**
 * The backup phrase in Settings. A new account's backup phrase is its recovery phrase: the
 * master secret its account key and recovery keys derive from, which the node never keeps
 * (doc/accounts.md, "The backup phrase becomes the recovery authority"), so nothing can show
 * it again. What the node rebuilds (POST /v1/identity/backup-phrase) is the current key's own
 * 24 words: they restore that key alone, cannot take the account back after a theft, and
 * change with the key. So once the account has a recovery phrase, Settings says the backup
 * phrase is not kept and offers those words only as the "key phrase", never as the backup
 * phrase; an account without one (from before recovery phrases) has no other phrase, and its
 * key's words are its backup phrase, as shown when it was made.
 */
import { useEffect, useState } from 'preact/hooks'
import type { WebApiClient } from '../api-client.ts'
import { ApiCallError } from '../errors.ts'
import { t } from '../i18n/i18n.ts'
import { PasswordGate, SettingsSection, useSectionActions } from './settings-section.tsx'

export function SettingsBackupPhrase(props: { client: WebApiClient; withCode: boolean }) {
  const { client, withCode } = props
  const [words, setWords] = useState<string[] | null>(null)
  /** Whether the account has a recovery phrase; null until the node answered. */
  const [committed, setCommitted] = useState<boolean | null>(null)
  const section = useSectionActions()
  useEffect(() => {
    // A node without the route has no recovery phrases: the key's words are the backup phrase.
    void client.recoveryStatus().then(
      (status) => setCommitted(status.committed),
      () => setCommitted(false),
    )
  }, [client])
  const keyOnly = committed === true

  const show = (password: string, code?: string) =>
    section.run(async () => {
      try {
        setWords((await client.backupPhrase(password, code)).backupPhrase.split(' '))
      } catch (err) {
        // A node without the route cannot rebuild the phrase: say so rather than "not found".
        if (err instanceof ApiCallError && err.status === 404) {
          throw new Error(t('backup.noRoute'))
        }
        throw err
      }
      return keyOnly ? t('backup.keyShown') : t('backup.shown')
    })

  const listLabel = keyOnly ? t('backup.keyPhrase') : t('phrase.label')
  return (
    <SettingsSection
      id="backup-phrase"
      title={t('phrase.label')}
      notice={section.notice}
      error={section.error}
    >
      {keyOnly && (
        <p role="status" data-testid="backup-phrase-not-kept">
          {t('backup.notKept')}
        </p>
      )}
      {committed == null ? null : words == null ? (
        <PasswordGate
          id="backup-phrase"
          label={keyOnly ? t('backup.showKeyForm') : t('backup.showForm')}
          action={keyOnly ? t('backup.showKey') : t('backup.show')}
          busy={section.busy}
          withCode={withCode}
          onPassword={show}
        >
          <p>{keyOnly ? t('backup.keyWarning') : t('backup.warning')}</p>
        </PasswordGate>
      ) : (
        <>
          <ol
            class="phrase"
            aria-label={listLabel}
            data-testid={keyOnly ? 'settings-key-phrase' : 'settings-backup-phrase'}
          >
            {words.map((word, index) => (
              <li key={index}>{word}</li>
            ))}
          </ol>
          <button type="button" onClick={() => setWords(null)}>
            {t('backup.hide')}
          </button>
        </>
      )}
    </SettingsSection>
  )
}
