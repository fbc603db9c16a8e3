/**
 * The backup phrase, shown again for the password. The phrase encodes the identity's seed,
 * so the node rebuilds exactly the words shown when the identity was created.
 */
import { useState } from 'preact/hooks'
import type { WebApiClient } from '../api-client.ts'
import { ApiCallError } from '../errors.ts'
import { PasswordGate, SettingsSection, useSectionActions } from './settings-section.tsx'

export function SettingsBackupPhrase(props: { client: WebApiClient; withCode: boolean }) {
  const { client, withCode } = props
  const [words, setWords] = useState<string[] | null>(null)
  const section = useSectionActions()

  const show = (password: string, code?: string) =>
    section.run(async () => {
      try {
        setWords((await client.backupPhrase(password, code)).backupPhrase.split(' '))
      } catch (err) {
        // A node without the route cannot rebuild the phrase: say so rather than "not found".
        if (err instanceof ApiCallError && err.status === 404) {
          throw new Error(
            'Your node cannot show the backup phrase again. Export your key file instead and keep it with its password.',
          )
        }
        throw err
      }
      return 'Write the words down on paper, in order, then hide them.'
    })

  return (
    <SettingsSection
      id="backup-phrase"
      title="Backup phrase"
      notice={section.notice}
      error={section.error}
    >
      {words == null ? (
        <PasswordGate
          id="backup-phrase"
          label="Show the backup phrase"
          action="Show backup phrase"
          busy={section.busy}
          withCode={withCode}
          onPassword={show}
        >
          <p>Anyone who sees these 24 words can be you: show them only where no one watches.</p>
        </PasswordGate>
      ) : (
        <>
          <ol class="phrase" aria-label="Backup phrase" data-testid="settings-backup-phrase">
            {words.map((word, index) => (
              <li key={index}>{word}</li>
            ))}
          </ol>
          <button type="button" onClick={() => setWords(null)}>
            Hide the words
          </button>
        </>
      )}
    </SettingsSection>
  )
}
