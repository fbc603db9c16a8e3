/**
 * The app once the node runs: who you are, whether the node is reachable, and a sidebar with
 * four sections (Chats, Contacts, Rooms, Settings) beside the main pane. Chats, Contacts and
 * Rooms live in the sidebar and open a conversation in the main pane; Settings fills the main
 * pane. The shell owns the one event stream; components below it listen through
 * node-events.ts. On a phone the sidebar covers the main pane until something is opened.
 */
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks'
import type { IdentityInfo, NameView, NodeEventMap } from '../../../../protocol/local-api.ts'
import type { WebApiClient } from '../api-client.ts'
import { CallButton, CallScreens } from '../calls/call-screens.tsx'
import { CallContext, useCall } from '../calls/use-call.ts'
import { Banner } from '../components/banner.tsx'
import { ConnectionStatus } from '../components/connection-status.tsx'
import { ErrorText } from '../components/error-text.tsx'
import { IdentityChip } from '../components/identity-chip.tsx'
import { MuteToggle } from '../components/mute-toggle.tsx'
import { UsernameForm } from '../components/username-form.tsx'
import { describeError } from '../errors.ts'
import { EventStream, type StreamState } from '../event-stream.ts'
import { t } from '../i18n/i18n.ts'
import { NodeEventsContext } from '../node-events.ts'
import { stopText } from '../stop-text.ts'
import { useConversations } from '../use-conversations.ts'
import { useFriends } from '../use-friends.ts'
import { useMutes } from '../use-mutes.ts'
import { conversationKey, useNotifications } from '../use-notifications.ts'
import { useOwnProfile } from '../use-own-profile.ts'
import { usePeople } from '../use-people.ts'
import { usePhone } from '../use-phone.ts'
import { ChatView } from './chat.tsx'
import { ChatsPanel, conversationName } from './chats.tsx'
import { ContactsPanel } from './contacts.tsx'
import { RoomsPanel } from './rooms.tsx'
import { SettingsScreen } from './settings.tsx'

export type Section = 'chats' | 'contacts' | 'rooms' | 'settings'

const SECTIONS: ReadonlyArray<[Section, `sections.${Section}`]> = [
  ['chats', 'sections.chats'],
  ['contacts', 'sections.contacts'],
  ['rooms', 'sections.rooms'],
  ['settings', 'sections.settings'],
]

/** What the main pane shows: a 1:1 chat (peer id) or a room (room id). */
export interface OpenConversation {
  kind: 'direct' | 'room'
  id: string
}

interface ShellProps {
  client: WebApiClient
  /** The node came back locked (or without an identity): the app shows the matching screen. */
  onNodeNotRunning: () => void
}

export function Shell({ client, onNodeNotRunning }: ShellProps) {
  const events = useMemo(() => new EventStream(client), [client])
  const [identity, setIdentity] = useState<IdentityInfo | null>(null)
  const [stream, setStream] = useState<StreamState>('connecting')
  const [peers, setPeers] = useState<ReadonlySet<string>>(new Set())
  /** Why the node stopped, while it is down. */
  const [nodeStopped, setNodeStopped] = useState<NodeEventMap['node:stopping'] | null>(null)
  const [elsewhere, setElsewhere] = useState(false)
  const [revoked, setRevoked] = useState(false)
  const [sidebarOpen, setSidebarOpen] = useState(true)
  const [error, setError] = useState<string | null>(null)
  const [names, setNames] = useState<NameView[] | null>(null)

  useEffect(() => {
    client
      .names()
      .then((answer) => setNames(answer.names))
      .catch(() => setNames([]))
  }, [client])

  useEffect(() => {
    const refresh = () =>
      client
        .status()
        .then((status) => {
          setIdentity(status)
          setPeers(new Set(status.peers))
          setNodeStopped(null)
          setError(null)
        })
        .catch((err: unknown) => setError(describeError(err)))
    const stops = [
      events.onState((state) => {
        setStream(state)
        // Events missed while the stream was down: catch up from the status, once the node
        // runs (a restarted node may wait to be unlocked).
        if (state === 'open') {
          void client
            .state()
            .then((answer) => (answer.state === 'running' ? refresh() : onNodeNotRunning()))
            .catch((err: unknown) => setError(describeError(err)))
        }
      }),
      events.on('peer:connected', ({ peerId }) =>
        setPeers((current) => new Set(current).add(peerId)),
      ),
      events.on('peer:disconnected', ({ peerId }) =>
        setPeers((current) => {
          const next = new Set(current)
          next.delete(peerId)
          return next
        }),
      ),
      events.on('node:started', () => void refresh()),
      events.on('node:stopping', (why) => setNodeStopped(why)),
      events.on('session:signed-in-elsewhere', () => setElsewhere(true)),
      events.on('device:revoked', () => setRevoked(true)),
    ]
    events.open()
    return () => {
      for (const stop of stops) stop()
      events.close()
    }
  }, [client, events, onNodeNotRunning])

  return (
    <NodeEventsContext.Provider value={events}>
      <div class="shell">
        {elsewhere && (
          <Banner title={t('shell.elsewhereTitle')} onDismiss={() => setElsewhere(false)}>
            {t('shell.elsewhere')}
          </Banner>
        )}
        {revoked && (
          <Banner title={t('shell.revokedTitle')} onDismiss={() => setRevoked(false)}>
            {t('shell.revoked')}
          </Banner>
        )}
        {nodeStopped != null && (
          <Banner title={t('shell.stoppedTitle')} tone="info">
            {t('shell.stoppedWhy', { reason: stopText(nodeStopped) })}{' '}
            {t('shell.stopped', { command: '"tokenim start"' })}
          </Banner>
        )}
        <header class="topbar">
          <button
            type="button"
            class="sidebar-toggle"
            aria-controls="sidebar"
            aria-expanded={sidebarOpen}
            onClick={() => setSidebarOpen(!sidebarOpen)}
          >
            {t('shell.menu')}
          </button>
          <span class="brand">TokenIM</span>
          <IdentityChip identity={identity} name={names?.[0]?.name} />
          <ConnectionStatus stream={stream} peers={peers.size} nodeStopped={nodeStopped != null} />
        </header>
        <ErrorText message={error} />
        <Workspace
          client={client}
          sidebarOpen={sidebarOpen}
          setSidebarOpen={setSidebarOpen}
          names={names}
          selfPeerId={identity?.peerId}
          onRegistered={(name) => setNames((current) => [...(current ?? []), name])}
        />
      </div>
    </NodeEventsContext.Provider>
  )
}

interface WorkspaceProps {
  client: WebApiClient
  /** Phones only: the sidebar covers the main pane. */
  sidebarOpen: boolean
  setSidebarOpen: (open: boolean) => void
  /** Your usernames; null until the node answered. */
  names: NameView[] | null
  /** Our peer id, once the node answered. */
  selfPeerId?: string
  onRegistered: (name: NameView) => void
}

/** The sidebar and the main pane, inside the event stream's provider. */
function Workspace(props: WorkspaceProps) {
  const { client, sidebarOpen, setSidebarOpen, names, onRegistered, selfPeerId } = props
  const friends = useFriends(client)
  const own = useOwnProfile(client)
  const ownNameView = names?.[0]?.scopedName ?? null
  const self = useMemo(
    () =>
      selfPeerId == null
        ? undefined
        : { peerId: selfPeerId, name: ownNameView, profile: own.profile ?? undefined },
    [selfPeerId, ownNameView, own.profile],
  )
  const people = usePeople(client, friends.people, self)
  // One presence truth for every view: the friend list's, and this account is online.
  const presenceOf = useCallback(
    (peerId: string) =>
      peerId === selfPeerId
        ? true
        : (friends.friends.find((friend) => friend.peerId === peerId)?.online ?? null),
    [selfPeerId, friends.friends],
  )
  const conversations = useConversations(client)
  const mutes = useMutes(client)
  const calls = useCall(client)
  useNotifications(conversations.items, people.byId, mutes.muted)
  const [section, setSection] = useState<Section>('chats')
  const [open, setOpen] = useState<OpenConversation | null>(null)
  const [askName, setAskName] = useState(true)

  const openConversation = (conversation: OpenConversation) => {
    setOpen(conversation)
    if (section === 'settings') setSection('chats')
    setSidebarOpen(false)
  }

  const choose = (next: Section) => {
    setSection(next)
    // Settings lives in the main pane: on a phone, show it.
    setSidebarOpen(next !== 'settings')
  }

  const registered = (name: NameView) => {
    onRegistered(name)
    setAskName(false)
  }

  // Only beside the empty state: an open chat keeps the whole pane. On a phone, while the
  // sidebar covers the main pane, the card goes above the sidebar's panel to stay in sight.
  const namePrompt = names != null &&
    names.length === 0 &&
    askName &&
    section !== 'settings' &&
    open == null && (
      <section class="card name-prompt" aria-labelledby="name-prompt-heading">
        <h2 id="name-prompt-heading">{t('shell.chooseUsername')}</h2>
        <p>{t('shell.usernameWhy')}</p>
        <UsernameForm client={client} onRegistered={registered} onLater={() => setAskName(false)} />
      </section>
    )
  // On a phone the open sidebar covers the main pane.
  const sidebarCovers = usePhone() && sidebarOpen

  const openItem = open && conversations.items.find((c) => c.kind === open.kind && c.id === open.id)
  const friend = open?.kind === 'direct' ? friends.friends.find((f) => f.peerId === open.id) : null

  return (
    <CallContext.Provider value={calls}>
      {/* Above both panes: on a phone the list may cover the main pane, never the call. */}
      <CallScreens people={people.byId} />
      <div class="panes">
        <div id="sidebar" class="sidebar" data-open={sidebarOpen}>
          <nav class="sections" aria-label={t('shell.sections')}>
            {SECTIONS.map(([id, label]) => (
              <button
                key={id}
                type="button"
                class="section-tab"
                aria-current={section === id ? 'page' : undefined}
                onClick={() => choose(id)}
              >
                {t(label)}
                {id === 'contacts' && friends.requests.incoming.length > 0 && (
                  <span class="unread" data-testid="requests-badge">
                    <span aria-hidden="true">{friends.requests.incoming.length}</span>
                    <span class="visually-hidden">
                      {t('shell.friendRequests', { count: friends.requests.incoming.length })}
                    </span>
                  </span>
                )}
              </button>
            ))}
          </nav>
          {sidebarCovers && namePrompt}
          {section === 'chats' && (
            <ChatsPanel
              client={client}
              conversations={conversations}
              people={people.byId}
              selected={open}
              onOpen={openConversation}
            />
          )}
          {section === 'contacts' && (
            <ContactsPanel
              client={client}
              friends={friends}
              people={people}
              names={names ?? []}
              onRegistered={registered}
              onOpenChat={(peerId) => openConversation({ kind: 'direct', id: peerId })}
            />
          )}
          {section === 'rooms' && (
            <RoomsPanel
              client={client}
              people={people.byId}
              presenceOf={presenceOf}
              onOpenRoom={(roomId) => openConversation({ kind: 'room', id: roomId })}
            />
          )}
        </div>
        {/* Covered by the list on a phone, it is out of reach of screen readers and Tab too. */}
        <main
          class="main-pane"
          aria-label={section === 'settings' ? t('sections.settings') : t('shell.chat')}
          inert={sidebarCovers}
        >
          {!sidebarCovers && namePrompt}
          {section === 'settings' ? (
            <SettingsScreen client={client} selfPeerId={selfPeerId} />
          ) : open != null ? (
            <ChatView
              key={`${open.kind}-${open.id}`}
              client={client}
              conversation={open}
              selfPeerId={selfPeerId}
              title={conversationName(open, people.byId, openItem?.name)}
              online={friend?.online}
              reach={friend?.reach}
              people={people.byId}
              onChanged={conversations.reload}
              onBack={() => setSidebarOpen(true)}
              actions={
                <>
                  {open.kind === 'direct' && friend != null && (
                    <CallButton
                      peerId={open.id}
                      name={conversationName(open, people.byId, openItem?.name)}
                    />
                  )}
                  <MuteToggle
                    muted={mutes.muted.has(conversationKey(open.kind, open.id))}
                    onChange={(on) => void mutes.set(conversationKey(open.kind, open.id), on)}
                  />
                </>
              }
            />
          ) : (
            <div class="chat-empty">
              <h2>{t('shell.noneOpen')}</h2>
              <p>{t('shell.pickOne')}</p>
            </div>
          )}
        </main>
      </div>
    </CallContext.Provider>
  )
}
