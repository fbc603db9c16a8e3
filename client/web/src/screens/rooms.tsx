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
import { t } from '../i18n/i18n.ts'
import { useNodeEvent, useStreamOpen } from '../node-events.ts'
import { displayName, type Person, personOf } from '../people.ts'

export interface RoomsPanelProps {
  client: WebApiClient
  /** Shows the room in the chat pane. */
  onOpenRoom: (roomId: string) => void
  /** Everyone the client can name, this account included (as "You"). */
  people: ReadonlyMap<string, Person>
  /** A person's presence as every view shows it; null when unknown (not a friend). */
  presenceOf: (peerId: string) => boolean | null
}

export function RoomsPanel({ client, onOpenRoom, people, presenceOf }: RoomsPanelProps) {
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

  const joined = (room: RoomSummary, how: 'created' | 'joined') => {
    setNotice(t(how === 'created' ? 'rooms.created' : 'rooms.joined', { name: room.name }))
    setSelected(room.roomId)
    void reload()
  }

  const current = rooms?.find((room) => room.roomId === selected)
  return (
    <section class="panel rooms" aria-label={t('sections.rooms')}>
      <RoomForms client={client} onJoined={joined} onError={setError} />
      <div role="status" class="notice">
        {notice}
      </div>
      <ErrorText message={error} />
      <section aria-labelledby="rooms-heading">
        <h2 id="rooms-heading">{t('rooms.yours')}</h2>
        {rooms != null && rooms.length === 0 && <p class="list-empty">{t('rooms.none')}</p>}
        <ul class="people" aria-label={t('rooms.yours')}>
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
                      ? t('rooms.members', { count: room.members })
                      : room.lastMessage.mine
                        ? t('chats.fromYou', { text: lastText(room) })
                        : t('chats.fromPeer', {
                            name: displayName(personOf(people, room.lastMessage.authorPeerId)),
                            text: lastText(room),
                          })}
                  </span>
                </span>
                {room.unread > 0 && (
                  <span class="unread">
                    <span aria-hidden="true">{String(room.unread)}</span>
                    <span class="visually-hidden">{t('chats.unread', { count: room.unread })}</span>
                  </span>
                )}
              </button>
              <div class="person-actions">
                <button
                  type="button"
                  class="button-primary"
                  onClick={() => onOpenRoom(room.roomId)}
                >
                  <span aria-hidden="true">{t('rooms.open')}</span>
                  <span class="visually-hidden">{t('rooms.openName', { name: room.name })}</span>
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
          people={people}
          presenceOf={presenceOf}
          onLeft={() => {
            setNotice(t('rooms.left', { name: current.name }))
            setSelected(null)
            void reload()
          }}
        />
      )}
    </section>
  )
}

/** The last message's words, or the name of the file it carries alone. */
function lastText(room: RoomSummary): string {
  const last = room.lastMessage
  return last?.text || last?.attachment?.name || ''
}
