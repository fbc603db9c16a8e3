/**
 * Gossipsub message ids. On room topics the id is the SHA-256 of the data, which is the room
 * event's id: the same event reaching a node twice (from two peers, or republished by
 * another member) is dropped by gossipsub's seen-cache before any validator runs. Other
 * topics keep gossipsub's default for signed messages (publisher key and seqno), so that
 * republishing identical data there is not mistaken for a duplicate.
 */
import { createHash } from 'node:crypto'
import { publicKeyToProtobuf } from '@libp2p/crypto/keys'
import type { Message } from '@libp2p/gossipsub'
import { ROOM_TOPIC_PREFIX } from '../protocol/ids.ts'

export function tokenimMsgIdFn(message: Message): Uint8Array {
  if (message.topic.startsWith(ROOM_TOPIC_PREFIX) || message.type !== 'signed') {
    return new Uint8Array(createHash('sha256').update(message.data).digest())
  }
  const key = publicKeyToProtobuf(message.key)
  const seqno = Buffer.from(message.sequenceNumber.toString(16).padStart(16, '0'), 'hex')
  const id = new Uint8Array(key.length + seqno.length)
  id.set(key, 0)
  id.set(seqno, key.length)
  return id
}
