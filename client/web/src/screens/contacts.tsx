/**
 * Contacts: this identity's username, finding people in the directory, friend requests both
 * ways (with a note), and the friends list with live presence and reach (direct, via a relay,
 * or mailbox only), remove and block (each asked again before it is done).
 */
import { useState } from 'preact/hooks'
import { MAX_FRIEND_NOTE_LENGTH } from '../../../../protocol/limits.ts'
import type { FriendView, NameView, SearchView } from '../../../../protocol/local-api.ts'
import type { WebApiClient } from '../api-client.ts'
import { Avatar } from '../components/avatar.tsx'
import { ConfirmStep } from '../components/confirm-step.tsx'
import { ErrorText } from '../components/error-text.tsx'
import { PresenceDot } from '../components/presence-dot.tsx'
import { UsernameForm } from '../components/username-form.tsx'
import { describeError } from '../errors.ts'
import { t, tx } from '../i18n/i18n.ts'
import { displayName, shortName, shortPeerId } from '../people.ts'
import { reachText, reachTitle } from '../reach-text.ts'
import type { Friends } from '../use-friends.ts'
import type { People } from '../use-people.ts'

interface ContactsPanelProps {
  client: WebApiClient
  friends: Friends
  people: People
  names: NameView[]
  onRegistered: (name: NameView) => void
  onOpenChat: (peerId: string) => void
}

export function ContactsPanel(props: ContactsPanelProps) {
  const { client, friends } = props
  const [error, setError] = useState<string | null>(null)
  const [notice, setNotice] = useState<string | null>(null)

  const announce = (done: string) => {
    setNotice(done)
    void friends.reload()
  }

  /** Runs one action on a person, then says what it did. */
  const act = async (action: () => Promise<unknown>, done: string) => {
    setError(null)
    setNotice(null)
    try {
      await action()
      announce(done)
    } catch (err) {
      setError(describeError(err))
    }
  }

  return (
    <section class="panel contacts" aria-label={t('sections.contacts')}>
      <OwnName {...props} />
      <AddContact client={client} onSent={announce} onFound={props.people.remember} />
      <div role="status" class="notice">
        {notice}
      </div>
      <ErrorText message={error ?? friends.error} />

      {friends.requests.incoming.length > 0 && (
        <section aria-labelledby="incoming-heading">
          <h2 id="incoming-heading">{t('contacts.requests')}</h2>
          <ul class="people">
            {friends.requests.incoming.map((request) => (
              <li key={request.requestId} class="person" data-testid="incoming-request">
                <div class="person-text">
                  <span class="person-name" title={request.name ?? request.peerId}>
                    {displayName(request)}
                  </span>
                  {request.note && <span class="person-note">“{request.note}”</span>}
                </div>
                <div class="person-actions">
                  <button
                    type="button"
                    class="button-primary"
                    onClick={() =>
                      act(
                        () => client.acceptFriend(request.peerId),
                        t('contacts.accepted', { name: displayName(request) }),
                      )
                    }
                  >
                    <span aria-hidden="true">{t('contacts.accept')}</span>
                    <span class="visually-hidden">
                      {t('contacts.acceptName', { name: displayName(request) })}
                    </span>
                  </button>
                  <button
                    type="button"
                    onClick={() =>
                      act(
                        () => client.rejectFriend(request.peerId),
                        t('contacts.declined', { name: displayName(request) }),
                      )
                    }
                  >
                    <span aria-hidden="true">{t('contacts.reject')}</span>
                    <span class="visually-hidden">
                      {t('contacts.rejectName', { name: displayName(request) })}
                    </span>
                  </button>
                </div>
              </li>
            ))}
          </ul>
        </section>
      )}

      {friends.requests.outgoing.length > 0 && (
        <section aria-labelledby="outgoing-heading">
          <h2 id="outgoing-heading">{t('contacts.outgoing')}</h2>
          <ul class="people">
            {friends.requests.outgoing.map((request) => (
              <li key={request.requestId} class="person" data-testid="outgoing-request">
                <span class="person-name" title={request.name ?? request.peerId}>
                  {displayName(request)}
                </span>
                <button
                  type="button"
                  onClick={() =>
                    act(
                      () => client.removeFriend(request.peerId),
                      t('contacts.withdrew', { name: displayName(request) }),
                    )
                  }
                >
                  <span aria-hidden="true">{t('contacts.withdraw')}</span>
                  <span class="visually-hidden">
                    {t('contacts.withdrawName', { name: displayName(request) })}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}

      <section aria-labelledby="friends-heading">
        <h2 id="friends-heading">{t('contacts.friends')}</h2>
        {friends.friends.length === 0 ? (
          <p class="list-empty">{t('contacts.noFriends')}</p>
        ) : (
          <ul class="people" aria-label={t('contacts.friends')}>
            {friends.friends.map((friend) => (
              <FriendRow
                key={friend.peerId}
                friend={friend}
                onOpen={() => props.onOpenChat(friend.peerId)}
                onRemove={() =>
                  act(
                    () => client.removeFriend(friend.peerId),
                    t('contacts.removed', { name: displayName(friend) }),
                  )
                }
                onBlock={() =>
                  act(
                    async () => {
                      await client.blockPeer(friend.peerId)
                      props.people.reloadBlocked()
                    },
                    t('contacts.blocked', { name: displayName(friend) }),
                  )
                }
              />
            ))}
          </ul>
        )}
      </section>
    </section>
  )
}

function OwnName({ client, names, onRegistered }: ContactsPanelProps) {
  const [editing, setEditing] = useState(false)
  if (editing) {
    return (
      <section aria-labelledby="own-name-heading">
        <h2 id="own-name-heading">{t('contacts.register')}</h2>
        <UsernameForm
          client={client}
          onRegistered={(name) => {
            setEditing(false)
            onRegistered(name)
          }}
          onLater={() => setEditing(false)}
        />
      </section>
    )
  }
  return (
    <p class="own-name">
      {names.length > 0 ? (
        <>
          {tx('contacts.youAre', {
            names: <strong data-testid="own-name">{names.map((n) => n.name).join(', ')}</strong>,
          })}{' '}
        </>
      ) : (
        `${t('contacts.noName')} `
      )}
      <button type="button" class="button-quiet" onClick={() => setEditing(true)}>
        {names.length > 0 ? t('contacts.registerAnother') : t('contacts.register')}
      </button>
    </p>
  )
}

interface AddContactProps {
  client: WebApiClient
  onSent: (text: string) => void
  /** The people a search found, with the names the directory gave them. */
  onFound: (names: readonly NameView[]) => void
}

function AddContact({ client, onSent, onFound }: AddContactProps) {
  const [query, setQuery] = useState('')
  const [results, setResults] = useState<SearchView['results'] | null>(null)
  const [to, setTo] = useState('')
  const [note, setNote] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  const search = async (event: Event) => {
    event.preventDefault()
    setError(null)
    try {
      const { results: found } = await client.searchNames(query.trim())
      setResults(found)
      onFound(found)
    } catch (err) {
      setError(describeError(err))
    }
  }

  const send = async (event: Event) => {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const answer = await client.addFriend(to.trim(), note.trim())
      onSent(
        answer.status === 'accepted'
          ? t('contacts.askedFirst', { name: displayName(answer.friend) })
          : t('contacts.sent', { name: displayName(answer.request) }),
      )
      setTo('')
      setNote('')
      setResults(null)
    } catch (err) {
      setError(describeError(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <section aria-labelledby="add-heading">
      <h2 id="add-heading">{t('contacts.add')}</h2>
      <form class="inline-form" onSubmit={search}>
        <label for="people-search" class="visually-hidden">
          {t('contacts.find')}
        </label>
        <input
          id="people-search"
          type="search"
          placeholder={t('contacts.find')}
          required
          value={query}
          onInput={(event) => setQuery(event.currentTarget.value)}
        />
        <button type="submit">{t('chats.search')}</button>
      </form>
      {results != null && (
        <ul class="people" aria-label={t('chats.searchResults')}>
          {results.length === 0 && <li class="list-empty">{t('contacts.nobody')}</li>}
          {results.map((result) => (
            <li key={result.scopedName} class="person">
              <span class="person-name" title={result.scopedName}>
                {result.profile.displayName ?? result.name}
                <small> {shortPeerId(result.peerId)}</small>
              </span>
              <button type="button" onClick={() => setTo(result.scopedName)}>
                <span aria-hidden="true">{t('contacts.choose')}</span>
                <span class="visually-hidden">
                  {t('contacts.chooseName', { name: result.name })}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={send}>
        <div class="field">
          <label for="request-to">{t('contacts.to')}</label>
          <input
            id="request-to"
            required
            value={to}
            title={to}
            onInput={(event) => setTo(event.currentTarget.value)}
          />
          {to.includes('@') && <small>{t('contacts.scoped', { name: shortName(to) })}</small>}
        </div>
        <div class="field">
          <label for="request-note">{t('contacts.note')}</label>
          <input
            id="request-note"
            maxLength={MAX_FRIEND_NOTE_LENGTH}
            value={note}
            onInput={(event) => setNote(event.currentTarget.value)}
          />
        </div>
        <ErrorText message={error} />
        <button type="submit" class="button-primary" disabled={busy}>
          {busy ? t('contacts.sending') : t('contacts.sendRequest')}
        </button>
      </form>
    </section>
  )
}

interface FriendRowProps {
  friend: FriendView
  onOpen: () => void
  onRemove: () => void
  onBlock: () => void
}

function FriendRow({ friend, onOpen, onRemove, onBlock }: FriendRowProps) {
  const name = displayName(friend)
  const [confirming, setConfirming] = useState<'remove' | 'block' | null>(null)
  return (
    <li class="person" data-testid="friend" data-peer-id={friend.peerId}>
      <Avatar person={friend} />
      <PresenceDot online={friend.online} />
      <div class="person-text">
        <button
          type="button"
          class="person-open"
          title={friend.name ?? friend.peerId}
          onClick={onOpen}
        >
          <span class="person-name">{name}</span>
          {(friend.devices?.count ?? 1) > 1 && (
            <span class="person-devices" title={friend.devices?.names.join(', ')}>
              {` · ${t('contacts.devices', { count: friend.devices?.count ?? 1 })}`}
            </span>
          )}
          <span class="visually-hidden">{t('contacts.openChat')}</span>
        </button>
        <span class="person-reach" data-testid="reach" title={reachTitle(friend.reach)}>
          {reachText(friend.reach)}
        </span>
      </div>
      <details class="person-menu" onToggle={() => setConfirming(null)}>
        <summary aria-label={t('contacts.manageName', { name })}>{t('contacts.manage')}</summary>
        {confirming === 'remove' ? (
          <ConfirmStep
            label={t('contacts.confirmRemoving', { name })}
            confirmText={t('contacts.removeName', { name })}
            onConfirm={onRemove}
            onCancel={() => setConfirming(null)}
          >
            {t('contacts.removeQuestion', { name })}
          </ConfirmStep>
        ) : confirming === 'block' ? (
          <ConfirmStep
            label={t('contacts.confirmBlocking', { name })}
            confirmText={t('contacts.blockName', { name })}
            danger
            onConfirm={onBlock}
            onCancel={() => setConfirming(null)}
          >
            {t('contacts.blockQuestion', { name })}
          </ConfirmStep>
        ) : (
          <div class="person-actions">
            <button type="button" onClick={() => setConfirming('remove')}>
              {t('contacts.remove')}
            </button>
            <button type="button" class="button-danger" onClick={() => setConfirming('block')}>
              {t('contacts.block')}
            </button>
          </div>
        )}
      </details>
    </li>
  )
}
