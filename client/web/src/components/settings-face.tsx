/**
 * Your name and picture as friends and rooms see them: a display name and an avatar, made
 * small in the browser (avatar-image.ts), signed by the node and sent to every friend. The
 * account's one display name: people who search for its username see it too
 * (search-profile.ts).
 */
import { useEffect, useState } from 'preact/hooks'
import { MAX_AVATAR_SIZE, MAX_FRIEND_DISPLAY_NAME_LENGTH } from '../../../../protocol/limits.ts'
import { publishSearchProfile } from '../../../search-profile.ts'
import type { WebApiClient } from '../api-client.ts'
import { AvatarTooLargeError, avatarOf } from '../avatar-image.ts'
import { t } from '../i18n/i18n.ts'
import { formatBytes } from '../transfer-text.ts'
import { useOwnProfile } from '../use-own-profile.ts'
import { Avatar } from './avatar.tsx'
import { SettingsSection, useSectionActions } from './settings-section.tsx'

export function SettingsFace({
  client,
  selfPeerId,
}: {
  client: WebApiClient
  selfPeerId?: string
}) {
  const own = useOwnProfile(client)
  const [displayName, setDisplayName] = useState('')
  /** The picture to save: a data URL, null to remove it, undefined to leave it. */
  const [avatar, setAvatar] = useState<string | null | undefined>(undefined)
  const section = useSectionActions()

  useEffect(() => {
    if (own.profile !== undefined) setDisplayName(own.profile?.displayName ?? '')
  }, [own.profile])

  const choose = (file: File | undefined) => {
    if (file == null) return
    void section.run(async () => {
      try {
        setAvatar(await avatarOf(file))
      } catch (err) {
        throw new Error(
          err instanceof AvatarTooLargeError
            ? t('face.tooLarge', { size: formatBytes(MAX_AVATAR_SIZE) })
            : t('face.notImage'),
        )
      }
      return undefined
    })
  }

  const submit = (event: Event) => {
    event.preventDefault()
    void section.run(async () => {
      const name = displayName.trim()
      await own.save({ displayName: name, ...(avatar !== undefined && { avatar }) })
      setAvatar(undefined)
      try {
        await publishSearchProfile(client, { displayName: name })
      } catch (err) {
        // Friends and rooms have it; the relay's directory was out of reach.
        return t('face.savedNotSearch', { error: (err as Error).message })
      }
      return t('face.saved')
    })
  }

  const shown = avatar === undefined ? own.profile?.avatar : (avatar ?? undefined)
  return (
    <SettingsSection
      id="face"
      title={t('face.title')}
      notice={section.notice}
      error={section.error}
    >
      <p>{t('face.intro')}</p>
      <form onSubmit={submit} aria-label={t('face.title')}>
        <div class="face-preview">
          <Avatar
            person={{
              peerId: selfPeerId ?? '',
              name: null,
              profile: {
                version: 0,
                ...(displayName.trim() !== '' && { displayName: displayName.trim() }),
                ...(shown != null && { avatar: shown }),
              },
            }}
            size={64}
          />
        </div>
        <div class="field">
          <label for="face-display-name">{t('face.displayName')}</label>
          <input
            id="face-display-name"
            value={displayName}
            maxLength={MAX_FRIEND_DISPLAY_NAME_LENGTH}
            onInput={(event) => setDisplayName(event.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="face-picture">{t('face.choose')}</label>
          <input
            id="face-picture"
            type="file"
            accept="image/*"
            onChange={(event) => choose(event.currentTarget.files?.[0])}
          />
        </div>
        <div class="actions">
          <button type="submit" class="button-primary" disabled={section.busy}>
            {t('face.save')}
          </button>
          {shown != null && (
            <button type="button" onClick={() => setAvatar(null)}>
              {t('face.remove')}
            </button>
          )}
        </div>
      </form>
    </SettingsSection>
  )
}
