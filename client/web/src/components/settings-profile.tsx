/**
 * What people who search for this identity's username see: its display name (set once, in
 * "Your name and picture": search-profile.ts) and an "about you" line, published with the
 * username.
 */
import { useEffect, useState } from 'preact/hooks'
import { MAX_PROFILE_BIO_LENGTH } from '../../../../protocol/limits.ts'
import type { NameView } from '../../../../protocol/local-api.ts'
import { publishSearchProfile } from '../../../search-profile.ts'
import type { WebApiClient } from '../api-client.ts'
import { t, tx } from '../i18n/i18n.ts'
import { useOwnProfile } from '../use-own-profile.ts'
import { SettingsSection, useSectionActions } from './settings-section.tsx'

export function SettingsProfile({ client }: { client: WebApiClient }) {
  const [name, setName] = useState<NameView | null | undefined>(undefined)
  const [bio, setBio] = useState('')
  const own = useOwnProfile(client)
  const section = useSectionActions()

  useEffect(() => {
    void section.run(async () => {
      const mine = (await client.names()).names[0] ?? null
      setName(mine)
      if (mine == null) return undefined
      const { profile } = await client.lookupName(mine.scopedName)
      setBio(profile?.bio ?? '')
      return undefined
    })
  }, [client])

  const submit = (event: Event) => {
    event.preventDefault()
    void section.run(async () => {
      const displayName = own.profile?.displayName ?? ''
      await publishSearchProfile(client, { displayName, bio: bio.trim() })
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
