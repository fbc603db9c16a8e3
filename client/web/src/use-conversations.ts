/**
 * The conversation list (1:1 chats and rooms, newest message first), fetched again whenever
 * an event says it changed: a message in, a room message or member change, a new
 * friend. Events that arrive while a fetch is under way cause one more fetch, not one each.
 */
import { useCallback, useRef, useState } from 'preact/hooks'
import type { ConversationListItem } from '../../../protocol/local-api.ts'
import type { WebApiClient } from './api-client.ts'
import { describeError } from './errors.ts'
import { useNodeEvent, useStreamOpen } from './node-events.ts'

export interface Conversations {
  items: ConversationListItem[]
  error: string | null
  reload: () => void
}

type FetchState = 'idle' | 'busy' | 'again'

export function useConversations(client: WebApiClient): Conversations {
  const [items, setItems] = useState<ConversationListItem[]>([])
  const [error, setError] = useState<string | null>(null)
  const fetching = useRef<FetchState>('idle')

  const reload = useCallback(() => {
    if (fetching.current !== 'idle') {
      fetching.current = 'again'
      return
    }
    fetching.current = 'busy'
    const run = async () => {
      do {
        fetching.current = 'busy'
        try {
          setItems((await client.conversations()).conversations)
          setError(null)
        } catch (err) {
          setError(describeError(err))
        }
      } while ((fetching.current as FetchState) === 'again')
      fetching.current = 'idle'
    }
    void run()
  }, [client])

  useStreamOpen(reload)
  useNodeEvent('message:received', reload)
  useNodeEvent('room:message', reload)
  useNodeEvent('room:members', reload)
  // Read on another device of the account: the unread counts here changed.
  useNodeEvent('room:read', reload)
  useNodeEvent('conversation:read', reload)
  useNodeEvent('friend:accepted', reload)
  useNodeEvent('friend:removed', reload)
  return { items, error, reload }
}
