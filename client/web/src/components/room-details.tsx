/**
 * One room's members (presence and role, live), its invite code, sending that invite to a
 * friend as a message, and leaving the room.
 */
import { useCallback, useEffect, useState } from 'preact/hooks'
import type { FriendView, RoomMemberView, RoomSummary } from '../../../../protocol/local-api.ts'
import type { WebApiClient } from '../api-client.ts'
import { describeError } from '../errors.ts'
import { t } from '../i18n/i18n.ts'
import { useNodeEvent } from '../node-events.ts'
import { displayName, shortPeerId } from '../people.ts'
import { ErrorText } from './error-text.tsx'
import { PresenceDot } from './presence-dot.tsx'

interface RoomDetailsProps {
  client: WebApiClient
  room: RoomSummary
  onLeft: () => void
}

const ROLE_LABELS = { owner: 'rooms.owner', admin: 'rooms.admin', member: 'rooms.member' } as const

export function RoomDetails({ client, room, onLeft }: RoomDetailsProps) {
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
  useNodeEvent('presence:changed', (presence) =>
    setMembers((current) =>
      current.map((member) =>
        member.peerId === presence.peerId ? { ...member, online: presence.online } : member,
      ),
    ),
  )

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
  const friendName = (peerId: string) => {
    const friend = friends.find((candidate) => candidate.peerId === peerId)
    return friend == null ? shortPeerId(peerId) : displayName(friend)
  }

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
            <PresenceDot online={member.online === true} />
            <span class="person-text">
              <span class="person-name" title={member.peerId}>
                {friendName(member.peerId)}
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
