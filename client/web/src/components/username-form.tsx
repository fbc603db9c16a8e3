/**
 * Registers a username on the node's relay, so others can add this identity by name; with a
 * display name it also publishes a profile, which is what makes the name show up in search.
 * When the relay asks for a sign-up check first (an e-mail or phone code, a login), the
 * form hands over to SignupVerification, which claims the name once the check is done.
 */
import { useEffect, useId, useState } from 'preact/hooks'
import type { NameView, SignupPolicyView } from '../../../../protocol/local-api.ts'
import { USERNAME_MAX_LENGTH, USERNAME_MIN_LENGTH } from '../../../../protocol/username.ts'
import { publishSearchProfile } from '../../../search-profile.ts'
import { nameStanding } from '../../../signup-precheck.ts'
import type { WebApiClient } from '../api-client.ts'
import { describeError } from '../errors.ts'
import { t } from '../i18n/i18n.ts'
import { ErrorText } from './error-text.tsx'
import { SignupVerification } from './signup-verification.tsx'

interface UsernameFormProps {
  client: WebApiClient
  onRegistered: (name: NameView) => void
  /** Shown beside the submit button when the form can be put off. */
  onLater?: () => void
}

export function UsernameForm({ client, onRegistered, onLater }: UsernameFormProps) {
  // The form can be on screen twice (the first-run prompt and Contacts): ids stay unique.
  const id = useId()
  const [name, setName] = useState('')
  const [displayName, setDisplayName] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [policy, setPolicy] = useState<SignupPolicyView | null>(null)

  // The account's one display name, filled in: typed here, it becomes the name friends and
  // rooms see too, and the one people who search find (search-profile.ts).
  useEffect(() => {
    client.ownProfile().then(
      ({ profile }) => setDisplayName((typed) => typed || (profile?.displayName ?? '')),
      () => {},
    )
  }, [client])

  const claim = async (relay?: string, verification?: { id: string; code?: string }) => {
    const registered = await client.registerName({ name: name.trim(), relay, verification })
    const typed = displayName.trim()
    if (typed !== '') {
      await client.setOwnProfile({ displayName: typed })
      await publishSearchProfile(client, { displayName: typed })
    }
    onRegistered(registered)
  }

  const submit = async (event: Event) => {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const asked = await client.signupPolicy()
      const needed =
        asked.methods.length > 0 &&
        (await nameStanding(client, name.trim(), asked.relayPeerId)) === 'new'
      if (needed) setPolicy(asked)
      else await claim()
    } catch (err) {
      setError(describeError(err))
    } finally {
      setBusy(false)
    }
  }

  if (policy != null) {
    return (
      <SignupVerification
        client={client}
        policy={policy}
        claim={(verification) => claim(policy.relayPeerId, verification)}
        onCancel={() => setPolicy(null)}
      />
    )
  }

  return (
    <form class="username-form" onSubmit={submit}>
      <div class="field">
        <label for={`${id}-username`}>{t('username.label')}</label>
        <input
          id={`${id}-username`}
          autoComplete="username"
          required
          minLength={USERNAME_MIN_LENGTH}
          maxLength={USERNAME_MAX_LENGTH}
          value={name}
          aria-describedby={`${id}-username-hint`}
          onInput={(event) => setName(event.currentTarget.value)}
        />
        <small id={`${id}-username-hint`}>
          {t('username.hint', { min: USERNAME_MIN_LENGTH, max: USERNAME_MAX_LENGTH })}
        </small>
      </div>
      <div class="field">
        <label for={`${id}-display-name`}>{t('username.displayName')}</label>
        <input
          id={`${id}-display-name`}
          autoComplete="name"
          value={displayName}
          aria-describedby={`${id}-display-name-hint`}
          onInput={(event) => setDisplayName(event.currentTarget.value)}
        />
        <small id={`${id}-display-name-hint`}>{t('username.displayNameHint')}</small>
      </div>
      <ErrorText message={error} />
      <div class="actions">
        <button type="submit" class="button-primary" disabled={busy}>
          {busy ? t('username.registering') : t('username.register')}
        </button>
        {onLater && (
          <button type="button" class="button-quiet" onClick={onLater}>
            {t('username.later')}
          </button>
        )}
      </div>
    </form>
  )
}
