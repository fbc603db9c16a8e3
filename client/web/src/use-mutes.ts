/** The conversations muted on the node, read on each (re)open of the event stream. */
import { useCallback, useState } from 'preact/hooks'
import type { WebApiClient } from './api-client.ts'
import { useStreamOpen } from './node-events.ts'

export interface Mutes {
  muted: ReadonlySet<string>
  /** Mutes or unmutes `conversation` (`direct:<peer id>` or `room:<room id>`) on the node. */
  set(conversation: string, muted: boolean): Promise<void>
}

export function useMutes(client: WebApiClient): Mutes {
  const [muted, setMuted] = useState<ReadonlySet<string>>(new Set())
  useStreamOpen(() => {
    client.mutedConversations().then(
      (answer) => setMuted(new Set(answer.muted)),
      () => undefined, // A node without the route mutes nothing.
    )
  })
  const set = useCallback(
    async (conversation: string, on: boolean) => {
      setMuted(new Set((await client.muteConversation(conversation, on)).muted))
    },
    [client],
  )
  return { muted, set }
}
