/**
 * Group rooms: create one, join by invite code or room id, the list of rooms with their last
 * message and unread count, and the chosen room's members, invite and leave. Kept current by
 * room events; reading and writing messages happens in the chat pane (`onOpenRoom`).
 */
import { useCallback, useState } from 'preact/hooks'
import type { RoomSummary } from '../../../../protocol/local-api.ts'
import type { WebApiClient } from '../api-client.ts'
import { ErrorText } from '../components/error-text.tsx'
import { RoomDetails } from '../components/room-details.tsx'
import { RoomForms } from '../components/room-forms.tsx'
import { describeError } from '../errors.ts'
import { useNodeEvent, useStreamOpen } from '../node-events.ts'
import { shortPeerId } from '../people.ts'

export interface RoomsPanelProps {
  client: WebApiClient
  /** Shows the room in the chat pane. */
  onOpenRoom: (roomId: string) => void
}

export function RoomsPanel({ client, onOpenRoom }: RoomsPanelProps) {
  const [rooms, setRooms] = useState<RoomSummary[] | null>(null)
  const [selected, setSelected] = useState<string | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)

  const reload = useCallback(
    () =>
      client
        .rooms()
        .then(({ rooms }) => setRooms(rooms.filter((room) => room.role != null)))
        .catch((err: unknown) => setError(describeError(err))),
    [client],
  )
  useStreamOpen(() => void reload())
  useNodeEvent('room:message', () => void reload())
  useNodeEvent('room:members', () => void reload())

  const joined = (room: RoomSummary, verb: string) => {
    setNotice(`${verb} ${room.name}.`)
    setSelected(room.roomId)
    void reload()
  }

  const current = rooms?.find((room) => room.roomId === selected)
  return (
    <section class="panel rooms" aria-label="Rooms">
      <RoomForms client={client} onJoined={joined} onError={setError} />
      <div role="status" class="notice">
        {notice}
      </div>
      <ErrorText message={error} />
      <section aria-labelledby="rooms-heading">
        <h2 id="rooms-heading">Your rooms</h2>
        {rooms != null && rooms.length === 0 && (
          <p class="list-empty">No rooms yet: create one, or join with an invite code.</p>
        )}
        <ul class="people" aria-label="Your rooms">
          {rooms?.map((room) => (
            <li key={room.roomId} class="person" data-testid="room">
              <button
                type="button"
                class="person-open"
                aria-pressed={room.roomId === selected}
                onClick={() => setSelected(room.roomId === selected ? null : room.roomId)}
              >
                <span class="person-text">
                  <span class="person-name">{room.name}</span>
                  <span class="person-note" data-testid="room-last-message">
                    {room.lastMessage == null
                      ? `${room.members} ${room.members === 1 ? 'member' : 'members'}`
                      : `${room.lastMessage.mine ? 'You' : shortPeerId(room.lastMessage.authorPeerId)}: ${room.lastMessage.text}`}
                  </span>
                </span>
                {room.unread > 0 && (
                  <span class="unread">
                    {room.unread}
                    <span class="visually-hidden"> unread</span>
                  </span>
                )}
              </button>
              <div class="person-actions">
                <button
                  type="button"
                  class="button-primary"
                  onClick={() => onOpenRoom(room.roomId)}
                >
                  Open<span class="visually-hidden"> {room.name}</span>
                </button>
              </div>
            </li>
          ))}
        </ul>
      </section>
      {current != null && (
        <RoomDetails
          client={client}
          room={current}
          onLeft={() => {
            setNotice(`You left ${current.name}.`)
            setSelected(null)
            void reload()
          }}
        />
      )}
    </section>
  )
}
