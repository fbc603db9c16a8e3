/**
 * One room's members (face, name, presence and role, live; "You" for this account, and the
 * same presence the friend list shows), its invite code, sending that invite to a
 * friend as a message, and leaving the room.
 */
import { useCallback, useEffect, useState } from 'preact/hooks'
import type { FriendView, RoomMemberView, RoomSummary } from '../../../../protocol/local-api.ts'
import type { WebApiClient } from '../api-client.ts'
import { describeError } from '../errors.ts'
import { t } from '../i18n/i18n.ts'
import { useNodeEvent } from '../node-events.ts'
import { displayName, type Person, personOf } from '../people.ts'
import { Avatar } from './avatar.tsx'
import { ErrorText } from './error-text.tsx'
import { PresenceDot } from './presence-dot.tsx'

interface RoomDetailsProps {
  client: WebApiClient
  room: RoomSummary
  /** Everyone the client can name, this account included (as "You"). */
  people: ReadonlyMap<string, Person>
  /** A person's presence as every view shows it (the friend list's); null when unknown. */
  presenceOf: (peerId: string) => boolean | null
  onLeft: () => void
}

const ROLE_LABELS = { owner: 'rooms.owner', admin: 'rooms.admin', member: 'rooms.member' } as const

export function RoomDetails({ client, room, people, presenceOf, onLeft }: RoomDetailsProps) {
  const [members, setMembers] = useState<RoomMemberView[]>([])
  const [invite, setInvite] = useState<string | null>(null)
  const [friends, setFriends] = useState<FriendView[]>([])
  const [invitee, setInvitee] = useState('')
  const [confirmLeave, setConfirmLeave] = useState(false)
  const [notice, setNotice] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const roomId = room.roomId

  const load = useCallback(async () => {
    try {
      const [list, code, people] = await Promise.all([
        client.roomMembers(roomId),
        client.roomInvite(roomId),
        client.friends(),
      ])
      setMembers(list.members)
      setInvite(code.invite)
      setFriends(people.friends)
    } catch (err) {
      setError(describeError(err))
    }
  }, [client, roomId])
  useEffect(() => {
    setNotice(null)
    setConfirmLeave(false)
    void load()
  }, [load])

  useNodeEvent('room:members', (change) => {
    if (change.roomId === roomId) setMembers(change.members)
  })

  const act = async (action: () => Promise<unknown>, done: string | null): Promise<boolean> => {
    setError(null)
    try {
      await action()
      setNotice(done)
      return true
    } catch (err) {
      setError(describeError(err))
      return false
    }
  }

  const sendInvite = (event: Event) => {
    event.preventDefault()
    const friend = friends.find((candidate) => candidate.peerId === invitee)
    if (friend == null || invite == null) return
    void act(
      () =>
        client.sendMessage(friend.peerId, t('rooms.inviteMessage', { name: room.name, invite })),
      t('rooms.inviteSent', { name: displayName(friend) }),
    )
  }

  const memberPeers = new Set(members.map((member) => member.peerId))
  const invitable = friends.filter((friend) => !memberPeers.has(friend.peerId))

  return (
    <section class="room-details" aria-labelledby="room-details-heading">
      <h2 id="room-details-heading">{room.name}</h2>
      <div role="status" class="notice">
        {notice}
      </div>
      <ErrorText message={error} />
      <h3 id="room-members-heading">
        {t('rooms.membersHeading')} <span data-testid="room-member-count">({members.length})</span>
      </h3>
      <ul class="people" aria-labelledby="room-members-heading">
        {members.map((member) => (
          <li key={member.publicKey} class="person" data-testid="room-member">
            <Avatar person={personOf(people, member.peerId)} />
            <PresenceDot online={presenceOf(member.peerId) ?? member.online === true} />
            <span class="person-text">
              <span class="person-name" title={member.peerId}>
                {displayName(personOf(people, member.peerId))}
              </span>
              <span class="person-note">{t(ROLE_LABELS[member.role])}</span>
            </span>
          </li>
        ))}
      </ul>

      {invite != null && (
        <div class="field">
          <label for="room-invite-code">{t('rooms.inviteCode')}</label>
          <textarea
            id="room-invite-code"
            readOnly
            rows={3}
            value={invite}
            onFocus={(event) => event.currentTarget.select()}
          />
        </div>
      )}
      {invite != null && invitable.length > 0 && (
        <form onSubmit={sendInvite} aria-label={t('rooms.inviteFriend')}>
          <div class="field">
            <label for="room-invitee">{t('rooms.sendInviteTo')}</label>
            <select
              id="room-invitee"
              value={invitee}
              onChange={(event) => setInvitee(event.currentTarget.value)}
            >
              <option value="">{t('rooms.chooseFriend')}</option>
              {invitable.map((friend) => (
                <option key={friend.peerId} value={friend.peerId}>
                  {displayName(friend)}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" disabled={invitee === ''}>
            {t('rooms.sendInvite')}
          </button>
        </form>
      )}

      <div class="actions">
        {confirmLeave ? (
          <>
            <button
              type="button"
              class="button-primary"
              onClick={() =>
                act(() => client.leaveRoom(roomId), null).then((left) => left && onLeft())
              }
            >
              {t('rooms.confirmLeave', { name: room.name })}
            </button>
            <button type="button" onClick={() => setConfirmLeave(false)}>
              {t('rooms.stay')}
            </button>
          </>
        ) : (
          <button type="button" onClick={() => setConfirmLeave(true)}>
            {t('rooms.leave')}
          </button>
        )}
      </div>
    </section>
  )
}
