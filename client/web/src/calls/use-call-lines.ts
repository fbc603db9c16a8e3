/**
 * The lines calls leave in a 1:1 chat ("Missed call", "Call, 2:13"): the node's call log,
 * placed by time among the messages once the chat's page is loaded, and each call that ends
 * while the chat is open.
 */
import { useEffect, useRef } from 'preact/hooks'
import type { WebApiClient } from '../api-client.ts'
import { type ChatEntry, withCalls } from '../chat-entries.ts'
import { useNodeEvent } from '../node-events.ts'
import { CallApi } from './call-api.ts'

export function useCallLines(
  client: WebApiClient,
  /** The peer of a 1:1 chat; null in a room. */
  peerId: string | null,
  /** True once the chat's first page is shown. */
  loaded: boolean,
  setEntries: (change: (current: ChatEntry[]) => ChatEntry[]) => void,
  beforeChange: () => void,
): void {
  const api = useRef(new CallApi(client)).current
  useEffect(() => {
    if (peerId == null || !loaded) return
    let cancelled = false
    api.log(peerId).then(
      ({ calls }) => !cancelled && setEntries((current) => withCalls(current, calls)),
      // Only the lines are missing: the chat itself works.
      () => {},
    )
    return () => {
      cancelled = true
    }
  }, [peerId, loaded])
  useNodeEvent('call:ended', (call) => {
    if (call.peerId !== peerId) return
    beforeChange()
    setEntries((current) => withCalls(current, [call]))
  })
}
