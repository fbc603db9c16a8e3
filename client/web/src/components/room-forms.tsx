/** The two ways into a room: create one, or join with an invite code (or an open room's id). */
import { useState } from 'preact/hooks'
import type { RoomSummary } from '../../../../protocol/local-api.ts'
import type { WebApiClient } from '../api-client.ts'
import { describeError } from '../errors.ts'
import { t } from '../i18n/i18n.ts'

interface RoomFormsProps {
  client: WebApiClient
  onJoined: (room: RoomSummary, how: 'created' | 'joined') => void
  onError: (message: string | null) => void
}

export function RoomForms({ client, onJoined, onError }: RoomFormsProps) {
  const [name, setName] = useState('')
  const [inviteOnly, setInviteOnly] = useState(false)
  const [code, setCode] = useState('')
  const [busy, setBusy] = useState(false)

  const run = async (event: Event, action: () => Promise<void>) => {
    event.preventDefault()
    onError(null)
    setBusy(true)
    try {
      await action()
    } catch (err) {
      onError(describeError(err))
    } finally {
      setBusy(false)
    }
  }

  const create = (event: Event) =>
    run(event, async () => {
      const created = await client.createRoom({ name: name.trim(), inviteOnly })
      setName('')
      onJoined(created.room, 'created')
    })

  const join = (event: Event) =>
    run(event, async () => {
      // Joining asks a member for the room over the network: it can take a few seconds.
      const room = await client.joinRoom({ room: code.trim() })
      setCode('')
      onJoined(room, 'joined')
    })

  return (
    <>
      <form onSubmit={create} aria-label={t('rooms.createForm')}>
        <div class="field">
          <label for="room-name">{t('rooms.newName')}</label>
          <input
            id="room-name"
            value={name}
            maxLength={100}
            onInput={(event) => setName(event.currentTarget.value)}
            required
          />
        </div>
        <div class="field">
          <label>
            <input
              type="checkbox"
              checked={inviteOnly}
              onChange={(event) => setInviteOnly(event.currentTarget.checked)}
            />{' '}
            {t('rooms.inviteOnly')}
          </label>
        </div>
        <button type="submit" class="button-primary" disabled={busy || name.trim() === ''}>
          {t('rooms.create')}
        </button>
      </form>
      <form onSubmit={join} aria-label={t('rooms.joinForm')}>
        <div class="field">
          <label for="room-invite">{t('rooms.inviteOrId')}</label>
          <input
            id="room-invite"
            value={code}
            autoComplete="off"
            spellcheck={false}
            onInput={(event) => setCode(event.currentTarget.value)}
            required
          />
        </div>
        <button type="submit" disabled={busy || code.trim() === ''} aria-busy={busy}>
          {t('rooms.join')}
        </button>
      </form>
    </>
  )
}
