/** The two ways into a room: create one, or join with an invite code (or an open room's id). */
import { useState } from 'preact/hooks'
import type { RoomSummary } from '../../../../protocol/local-api.ts'
import type { WebApiClient } from '../api-client.ts'
import { describeError } from '../errors.ts'

interface RoomFormsProps {
  client: WebApiClient
  /** `verb` says how: "Created" or "Joined". */
  onJoined: (room: RoomSummary, verb: string) => void
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
      onJoined(created.room, 'Created')
    })

  const join = (event: Event) =>
    run(event, async () => {
      // Joining asks a member for the room over the network: it can take a few seconds.
      const room = await client.joinRoom({ room: code.trim() })
      setCode('')
      onJoined(room, 'Joined')
    })

  return (
    <>
      <form onSubmit={create} aria-label="Create a room">
        <div class="field">
          <label for="room-name">New room's name</label>
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
            Invite only (the room id alone does not let anyone in)
          </label>
        </div>
        <button type="submit" class="button-primary" disabled={busy || name.trim() === ''}>
          Create room
        </button>
      </form>
      <form onSubmit={join} aria-label="Join a room">
        <div class="field">
          <label for="room-invite">Invite code or room id</label>
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
          Join room
        </button>
      </form>
    </>
  )
}
