import type { StreamState } from '../event-stream.ts'

interface ConnectionStatusProps {
  stream: StreamState
  /** Peers the node is connected to right now. */
  peers: number
  nodeStopped: boolean
}

/** The header's live line: is the node reachable, and is it connected to anyone. */
export function ConnectionStatus({ stream, peers, nodeStopped }: ConnectionStatusProps) {
  const [tone, text] = nodeStopped
    ? ['offline', 'Node stopped · waiting for it to restart']
    : stream === 'open'
      ? peers > 0
        ? ['online', `Online · ${peers} ${peers === 1 ? 'peer' : 'peers'}`]
        : ['waiting', 'Connected to your node · no peers yet']
      : stream === 'connecting'
        ? ['waiting', 'Connecting to your node…']
        : ['offline', 'Node unreachable · retrying']
  return (
    <p class="connection" data-tone={tone} role="status" data-testid="connection-status">
      <span class="dot" aria-hidden="true" />
      <span class="connection-text" title={text}>
        {text}
      </span>
    </p>
  )
}
