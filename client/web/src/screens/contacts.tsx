/**
 * Contacts: this identity's username, finding people in the directory, friend requests both
 * ways (with a note), and the friends list with live presence and reach (direct, via a relay,
 * or mailbox only), remove and block (each asked again before it is done).
 */
import { useState } from 'preact/hooks'
import { MAX_FRIEND_NOTE_LENGTH } from '../../../../protocol/limits.ts'
import type { FriendView, NameView, SearchView } from '../../../../protocol/local-api.ts'
import type { WebApiClient } from '../api-client.ts'
import { ConfirmStep } from '../components/confirm-step.tsx'
import { ErrorText } from '../components/error-text.tsx'
import { PresenceDot } from '../components/presence-dot.tsx'
import { UsernameForm } from '../components/username-form.tsx'
import { describeError } from '../errors.ts'
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
    <section class="panel contacts" aria-label="Contacts">
      <OwnName {...props} />
      <AddContact client={client} onSent={announce} onFound={props.people.remember} />
      <div role="status" class="notice">
        {notice}
      </div>
      <ErrorText message={error ?? friends.error} />

      {friends.requests.incoming.length > 0 && (
        <section aria-labelledby="incoming-heading">
          <h2 id="incoming-heading">Friend requests</h2>
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
                        `${displayName(request)} is now your friend.`,
                      )
                    }
                  >
                    Accept<span class="visually-hidden"> {displayName(request)}</span>
                  </button>
                  <button
                    type="button"
                    onClick={() =>
                      act(
                        () => client.rejectFriend(request.peerId),
                        `Declined ${displayName(request)}.`,
                      )
                    }
                  >
                    Reject<span class="visually-hidden"> {displayName(request)}</span>
                  </button>
                </div>
              </li>
            ))}
          </ul>
        </section>
      )}

      {friends.requests.outgoing.length > 0 && (
        <section aria-labelledby="outgoing-heading">
          <h2 id="outgoing-heading">Waiting for an answer</h2>
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
                      `Withdrew the request to ${displayName(request)}.`,
                    )
                  }
                >
                  Withdraw
                  <span class="visually-hidden"> the request to {displayName(request)}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}

      <section aria-labelledby="friends-heading">
        <h2 id="friends-heading">Friends</h2>
        {friends.friends.length === 0 ? (
          <p class="list-empty">No friends yet. Find someone above and send a request.</p>
        ) : (
          <ul class="people" aria-label="Friends">
            {friends.friends.map((friend) => (
              <FriendRow
                key={friend.peerId}
                friend={friend}
                onOpen={() => props.onOpenChat(friend.peerId)}
                onRemove={() =>
                  act(
                    () => client.removeFriend(friend.peerId),
                    `Removed ${displayName(friend)} from your friends.`,
                  )
                }
                onBlock={() =>
                  act(
                    async () => {
                      await client.blockPeer(friend.peerId)
                      props.people.reloadBlocked()
                    },
                    `Blocked ${displayName(friend)}: their requests and messages are dropped.`,
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
        <h2 id="own-name-heading">Register a username</h2>
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
          You are <strong data-testid="own-name">{names.map((n) => n.name).join(', ')}</strong>.{' '}
        </>
      ) : (
        'You have no username yet, so people can add you only by your peer id. '
      )}
      <button type="button" class="button-quiet" onClick={() => setEditing(true)}>
        {names.length > 0 ? 'Register another' : 'Register a username'}
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
          ? `${displayName(answer.friend)} had asked you first: you are friends now.`
          : `Friend request sent to ${displayName(answer.request)}.`,
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
      <h2 id="add-heading">Add a contact</h2>
      <form class="inline-form" onSubmit={search}>
        <label for="people-search" class="visually-hidden">
          Find people by username
        </label>
        <input
          id="people-search"
          type="search"
          placeholder="Find people by username"
          required
          value={query}
          onInput={(event) => setQuery(event.currentTarget.value)}
        />
        <button type="submit">Search</button>
      </form>
      {results != null && (
        <ul class="people" aria-label="Search results">
          {results.length === 0 && (
            <li class="list-empty">
              Nobody found. Search lists only people with a public profile; you can still send a
              request to an exact username or peer id below.
            </li>
          )}
          {results.map((result) => (
            <li key={result.scopedName} class="person">
              <span class="person-name" title={result.scopedName}>
                {result.profile.displayName ?? result.name}
                <small> {shortPeerId(result.peerId)}</small>
              </span>
              <button type="button" onClick={() => setTo(result.scopedName)}>
                Choose<span class="visually-hidden"> {result.name}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={send}>
        <div class="field">
          <label for="request-to">Username or peer id</label>
          <input
            id="request-to"
            required
            value={to}
            title={to}
            onInput={(event) => setTo(event.currentTarget.value)}
          />
          {to.includes('@') && <small>{shortName(to)} on the relay that issued the name</small>}
        </div>
        <div class="field">
          <label for="request-note">Note (optional)</label>
          <input
            id="request-note"
            maxLength={MAX_FRIEND_NOTE_LENGTH}
            value={note}
            onInput={(event) => setNote(event.currentTarget.value)}
          />
        </div>
        <ErrorText message={error} />
        <button type="submit" class="button-primary" disabled={busy}>
          {busy ? 'Sending…' : 'Send friend request'}
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
              {` · ${friend.devices?.count} devices`}
            </span>
          )}
          <span class="visually-hidden">, open the chat</span>
        </button>
        <span class="person-reach" data-testid="reach" title={reachTitle(friend.reach)}>
          {reachText(friend.reach)}
        </span>
      </div>
      <details class="person-menu" onToggle={() => setConfirming(null)}>
        <summary>
          Manage<span class="visually-hidden"> {name}</span>
        </summary>
        {confirming === 'remove' ? (
          <ConfirmStep
            label={`Confirm removing ${name}`}
            confirmText={`Remove ${name}`}
            onConfirm={onRemove}
            onCancel={() => setConfirming(null)}
          >
            Remove {name} from your friends? Your chat history stays; to be friends again, one of
            you sends a new request.
          </ConfirmStep>
        ) : confirming === 'block' ? (
          <ConfirmStep
            label={`Confirm blocking ${name}`}
            confirmText={`Block ${name}`}
            danger
            onConfirm={onBlock}
            onCancel={() => setConfirming(null)}
          >
            Block {name}? They stop being your friend, and their requests and messages are dropped
            without telling them.
          </ConfirmStep>
        ) : (
          <div class="person-actions">
            <button type="button" onClick={() => setConfirming('remove')}>
              Remove
            </button>
            <button type="button" class="button-danger" onClick={() => setConfirming('block')}>
              Block
            </button>
          </div>
        )}
      </details>
    </li>
  )
}
