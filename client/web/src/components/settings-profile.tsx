/** The public profile published with this identity's username: display name and bio. */
import { useEffect, useState } from 'preact/hooks'
import {
  MAX_PROFILE_BIO_LENGTH,
  MAX_PROFILE_DISPLAY_NAME_LENGTH,
} from '../../../../protocol/limits.ts'
import type { NameView } from '../../../../protocol/local-api.ts'
import type { WebApiClient } from '../api-client.ts'
import { t, tx } from '../i18n/i18n.ts'
import { SettingsSection, useSectionActions } from './settings-section.tsx'

export function SettingsProfile({ client }: { client: WebApiClient }) {
  const [name, setName] = useState<NameView | null | undefined>(undefined)
  const [displayName, setDisplayName] = useState('')
  const [bio, setBio] = useState('')
  const section = useSectionActions()

  useEffect(() => {
    void section.run(async () => {
      const own = (await client.names()).names[0] ?? null
      setName(own)
      if (own == null) return undefined
      const { profile } = await client.lookupName(own.scopedName)
      setDisplayName(profile?.displayName ?? '')
      setBio(profile?.bio ?? '')
      return undefined
    })
  }, [client])

  const submit = (event: Event) => {
    event.preventDefault()
    void section.run(async () => {
      await client.setProfile({ displayName: displayName.trim(), bio: bio.trim() })
      return t('profile.published')
    })
  }

  return (
    <SettingsSection
      id="profile"
      title={t('profile.title')}
      notice={section.notice}
      error={section.error}
    >
      {name === null && <p>{t('profile.needsName')}</p>}
      {name != null && (
        <form onSubmit={submit} aria-label={t('profile.title')}>
          <p>{tx('profile.with', { name: <strong>{name.name}</strong> })}</p>
          <div class="field">
            <label for="profile-display-name">{t('profile.displayName')}</label>
            <input
              id="profile-display-name"
              value={displayName}
              maxLength={MAX_PROFILE_DISPLAY_NAME_LENGTH}
              onInput={(event) => setDisplayName(event.currentTarget.value)}
            />
          </div>
          <div class="field">
            <label for="profile-bio">{t('profile.bio')}</label>
            <textarea
              id="profile-bio"
              rows={3}
              value={bio}
              maxLength={MAX_PROFILE_BIO_LENGTH}
              onInput={(event) => setBio(event.currentTarget.value)}
            />
          </div>
          <button type="submit" class="button-primary" disabled={section.busy}>
            {t('profile.save')}
          </button>
        </form>
      )}
    </SettingsSection>
  )
}
