/**
 * Key export: a sealed copy of the identity key, saved by the browser as a file. It opens only
 * with the password, on another machine with `tokenim key import FILE`.
 */
import type { WebApiClient } from '../api-client.ts'
import { t, tx } from '../i18n/i18n.ts'
import { PasswordGate, SettingsSection, useSectionActions } from './settings-section.tsx'

export function SettingsKeyExport({
  client,
  withCode,
}: {
  client: WebApiClient
  withCode: boolean
}) {
  const section = useSectionActions()
  const exportKey = (password: string, code?: string) =>
    section.run(async () => {
      const { fileName, keyFile } = await client.exportKey({ password, code })
      saveFile(fileName, keyFile)
      return t('export.saved', { file: fileName })
    })

  return (
    <SettingsSection
      id="key-export"
      title={t('export.title')}
      notice={section.notice}
      error={section.error}
    >
      <p>{tx('export.intro', { command: <code>tokenim key import FILE</code> })}</p>
      <PasswordGate
        id="key-export"
        label={t('export.title')}
        action={t('export.action')}
        busy={section.busy}
        withCode={withCode}
        onPassword={exportKey}
      />
    </SettingsSection>
  )
}

/** Has the browser save `text` as a download named `fileName`. */
function saveFile(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }))
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  document.body.append(link)
  link.click()
  link.remove()
  // The download has its own copy once started.
  setTimeout(() => URL.revokeObjectURL(url), 0)
}
