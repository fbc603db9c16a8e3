/**
 * Browser access: the token this browser (and every tab and bookmark of the address) uses to
 * reach the node. Replacing it signs every other holder out at once (doc/security.md, "A
 * lasting web address"); this tab keeps the new one and loads again with it.
 */
import type { WebApiClient } from '../api-client.ts'
import { keepToken, tokenOf } from '../token.ts'
import { SettingsSection, useSectionActions } from './settings-section.tsx'

export function SettingsWebAccess({ client }: { client: WebApiClient }) {
  const section = useSectionActions()
  const replace = () =>
    section.run(async () => {
      const { webUrl } = await client.replaceApiToken()
      const token = tokenOf(new URL(webUrl).hash)
      if (token == null) throw new Error('the node answered an address without a token')
      keepToken(token)
      window.location.reload()
      return undefined
    })

  return (
    <SettingsSection
      id="web-access"
      title="Browser access"
      notice={section.notice}
      error={section.error}
    >
      <p>
        This browser reaches your node with the token of its address. If a copy of the address may
        have leaked, or another browser should lose access, replace the token: every other browser
        and tab that has it is refused at once, and this one keeps working with the new one.
      </p>
      <button type="button" onClick={() => void replace()} disabled={section.busy}>
        Replace the access token
      </button>
    </SettingsSection>
  )
}
