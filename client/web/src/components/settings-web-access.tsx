/**
 * Browser access: the token this browser (and every tab and bookmark of the address) uses to
 * reach the node. Replacing it signs every other holder out at once (doc/security.md, "A
 * lasting web address"); this tab keeps the new one and loads again with it.
 */
import type { WebApiClient } from '../api-client.ts'
import { t } from '../i18n/i18n.ts'
import { keepToken, tokenOf } from '../token.ts'
import { SettingsSection, useSectionActions } from './settings-section.tsx'

export function SettingsWebAccess({ client }: { client: WebApiClient }) {
  const section = useSectionActions()
  const replace = () =>
    section.run(async () => {
      const { webUrl } = await client.replaceApiToken()
      const token = tokenOf(new URL(webUrl).hash)
      if (token == null) throw new Error(t('webAccess.noToken'))
      keepToken(token)
      window.location.reload()
      return undefined
    })

  return (
    <SettingsSection
      id="web-access"
      title={t('webAccess.title')}
      notice={section.notice}
      error={section.error}
    >
      <p>{t('webAccess.intro')}</p>
      <button type="button" onClick={() => void replace()} disabled={section.busy}>
        {t('webAccess.replace')}
      </button>
    </SettingsSection>
  )
}
