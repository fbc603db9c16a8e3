import type { StreamState } from '../event-stream.ts'
import { t } from '../i18n/i18n.ts'

interface ConnectionStatusProps {
  stream: StreamState
  /** Peers the node is connected to right now. */
  peers: number
  nodeStopped: boolean
}

/** The header's live line: is the node reachable, and is it connected to anyone. */
export function ConnectionStatus({ stream, peers, nodeStopped }: ConnectionStatusProps) {
  const [tone, text] = nodeStopped
    ? ['offline', t('connection.stopped')]
    : stream === 'open'
      ? peers > 0
        ? ['online', t('connection.online', { count: peers })]
        : ['waiting', t('connection.noPeers')]
      : stream === 'connecting'
        ? ['waiting', t('app.connecting')]
        : ['offline', t('connection.unreachable')]
  return (
    <p class="connection" data-tone={tone} role="status" data-testid="connection-status">
      <span class="dot" aria-hidden="true" />
      <span class="connection-text" title={text}>
        {text}
      </span>
    </p>
  )
}
