/**
 * The app once the node runs: who you are, whether the node is reachable and connected,
 * the conversation list and the chat pane. The list and the pane are placeholders until
 * the messaging API lands; the list is already virtualized for a thousand conversations.
 */
import { useEffect, useState } from 'preact/hooks'
import type { IdentityInfo, NodeEventMessage } from '../../../../protocol/local-api.ts'
import type { WebApiClient } from '../api-client.ts'
import { Banner } from '../components/banner.tsx'
import { ConnectionStatus } from '../components/connection-status.tsx'
import { ErrorText } from '../components/error-text.tsx'
import { VirtualList } from '../components/virtual-list.tsx'
import { describeError } from '../errors.ts'
import { EventStream, type StreamState } from '../event-stream.ts'

/** One row of the conversation list. */
export interface ConversationEntry {
  peerId: string
  name: string
  preview: string
  unread: number
}

const CONVERSATION_ROW_PX = 64

export function Shell({ client }: { client: WebApiClient }) {
  const [identity, setIdentity] = useState<IdentityInfo | null>(null)
  const [stream, setStream] = useState<StreamState>('connecting')
  const [peers, setPeers] = useState<ReadonlySet<string>>(new Set())
  const [nodeStopped, setNodeStopped] = useState(false)
  const [elsewhere, setElsewhere] = useState<string | null>(null)
  const [sidebarOpen, setSidebarOpen] = useState(false)
  const [conversations] = useState<ConversationEntry[]>([])
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    const refresh = () =>
      client
        .status()
        .then((status) => {
          setIdentity(status)
          setPeers(new Set(status.peers))
          setNodeStopped(false)
          setError(null)
        })
        .catch((err: unknown) => setError(describeError(err)))

    const onEvent = (event: NodeEventMessage) => {
      switch (event.type) {
        case 'peer:connected': {
          const { peerId } = (event as NodeEventMessage<'peer:connected'>).data
          setPeers((current) => new Set(current).add(peerId))
          break
        }
        case 'peer:disconnected': {
          const { peerId } = (event as NodeEventMessage<'peer:disconnected'>).data
          setPeers((current) => {
            const next = new Set(current)
            next.delete(peerId)
            return next
          })
          break
        }
        case 'node:started':
          void refresh()
          break
        case 'node:stopping':
          setNodeStopped(true)
          break
        case 'session:signed-in-elsewhere':
          setElsewhere((event as NodeEventMessage<'session:signed-in-elsewhere'>).data.reason)
          break
      }
    }
    const events = new EventStream(client, onEvent, (state) => {
      setStream(state)
      // Events missed while the stream was down: catch up from the status.
      if (state === 'open') void refresh()
    })
    events.open()
    return () => events.close()
  }, [client])

  return (
    <div class="shell">
      {elsewhere != null && (
        <Banner title="Signed in elsewhere." onDismiss={() => setElsewhere(null)}>
          Your identity was started on another device, so messages may reach that device instead of
          this one. {elsewhere}
        </Banner>
      )}
      {nodeStopped && (
        <Banner title="Your node stopped." tone="info">
          Start it again with "tokenim start", then reload this page.
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
          Conversations
        </button>
        <span class="brand">TokenIM</span>
        <dl class="me" aria-label="Your identity">
          <div>
            <dt>Peer id</dt>
            <dd>
              <code data-testid="peer-id" title={identity?.peerId}>
                {identity?.peerId ?? '…'}
              </code>
            </dd>
          </div>
          <div>
            <dt>Fingerprint</dt>
            <dd>
              <code data-testid="fingerprint">{identity?.fingerprint ?? '…'}</code>
            </dd>
          </div>
        </dl>
        <ConnectionStatus stream={stream} peers={peers.size} nodeStopped={nodeStopped} />
      </header>
      <ErrorText message={error} />
      <div class="panes">
        <nav id="sidebar" class="sidebar" aria-label="Conversations" data-open={sidebarOpen}>
          <h2>Conversations</h2>
          <VirtualList
            id="conversation-list"
            label="Conversations"
            items={conversations}
            rowHeight={CONVERSATION_ROW_PX}
            keyOf={(entry) => entry.peerId}
            renderRow={(entry) => (
              <div class="conversation">
                <span class="conversation-name">{entry.name}</span>
                <span class="conversation-preview">{entry.preview}</span>
                {entry.unread > 0 && (
                  <span class="unread">
                    {entry.unread}
                    <span class="visually-hidden"> unread</span>
                  </span>
                )}
              </div>
            )}
            empty={
              <p>
                No conversations yet. Friends and messages appear here once you add someone by their
                username or peer id.
              </p>
            }
          />
        </nav>
        <main class="chat" aria-label="Chat">
          <div class="chat-empty">
            <h2>No conversation open</h2>
            <p>Pick a conversation on the left to read and write messages.</p>
          </div>
        </main>
      </div>
    </div>
  )
}
