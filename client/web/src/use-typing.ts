/**
 * Typing indicators in a 1:1 chat (doc/friends.md, "Typing"): whether the friend is writing
 * to us now, and telling the friend while our user writes. The node lapses our typing 6 s
 * after the last call, so while the draft changes the client repeats it every
 * TYPING_REPEAT_MS, and says it stopped once the draft is sent or emptied. A node with the
 * setting off tells nothing and shows nothing; the calls then cost only the local request.
 */
import { useEffect, useRef, useState } from 'preact/hooks'
import type { WebApiClient } from './api-client.ts'
import { useNodeEvent } from './node-events.ts'

/** Below the node's 6 s lapse, so a user who keeps writing keeps showing. */
const TYPING_REPEAT_MS = 3_000

/** Whether friend `peerId` is writing to us; false for a room (`peerId` undefined). */
export function useFriendTyping(peerId: string | undefined): boolean {
  const [typing, setTyping] = useState(false)
  useEffect(() => setTyping(false), [peerId])
  useNodeEvent('typing:changed', (change) => {
    if (change.peerId === peerId) setTyping(change.typing)
  })
  // The text it was writing has come: stop at once rather than at the next heartbeat.
  useNodeEvent('message:received', (message) => {
    if (message.peerId === peerId && message.direction === 'in') setTyping(false)
  })
  return typing
}

/** Tells friend `peerId` (none for a room) while the draft changes; call it with each draft. */
export function useTypingTeller(
  client: WebApiClient,
  peerId: string | undefined,
): (draft: string) => void {
  const lastTold = useRef(0)
  const tell = (typing: boolean) => {
    if (peerId == null) return
    // A failed call only leaves the friend's indicator to lapse: nothing to show the user.
    void client.typing(peerId, typing).catch(() => undefined)
  }
  useEffect(
    () => () => {
      if (lastTold.current > 0) tell(false)
      lastTold.current = 0
    },
    [peerId],
  )
  return (draft: string) => {
    if (peerId == null) return
    if (draft.trim() === '') {
      if (lastTold.current > 0) tell(false)
      lastTold.current = 0
      return
    }
    const now = Date.now()
    if (now - lastTold.current < TYPING_REPEAT_MS) return
    lastTold.current = now
    tell(true)
  }
}
