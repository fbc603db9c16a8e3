/**
 * The running node's part of a key rotation (doc/accounts.md, "Key rotation on the node"):
 * the statement goes to every friend while the node still runs under the old key, which
 * their sessions know, and the node waits until each copy was acknowledged by the friend's
 * node or deposited in the mailbox (where the friend, who knows the old key, collects it).
 * Then messaging stops and forgets the sessions of the old key, and the node must stop and
 * start again under the new key: nothing is sent under the old key any more.
 */
import type { Friends } from './friends/index.ts'
import type { DirectMessages } from './messaging/index.ts'

export interface RotationAnnouncement {
  /** Friends (hex keys) whose node has the statement or whose mailbox holds it. */
  handedOver: string[]
  /** Friends it could not reach in time: they learn of it when they look the account up. */
  waiting: string[]
}

/** How long to wait for every friend's copy to be delivered or deposited. */
export const ROTATION_HANDOVER_TIMEOUT_MS = 30_000
const HANDOVER_POLL_MS = 50

export async function announceKeyRotation(
  parts: { friends: Friends; messages: DirectMessages },
  statement: Uint8Array,
  timeoutMs = ROTATION_HANDOVER_TIMEOUT_MS,
): Promise<RotationAnnouncement> {
  const sent = await parts.friends.announceKeyRotation(statement)
  const deadline = Date.now() + timeoutMs
  const pending = () =>
    sent.filter(({ peer, id }) => !parts.messages.handedOver(Buffer.from(peer, 'hex'), id))
  while (pending().length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, HANDOVER_POLL_MS))
  }
  const waiting = new Set(pending().map(({ peer }) => peer))
  await parts.messages.retireOwnKey()
  return {
    handedOver: sent.map(({ peer }) => peer).filter((peer) => !waiting.has(peer)),
    waiting: [...waiting],
  }
}
