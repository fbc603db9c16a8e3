/** Recovery through friends (doc/accounts.md, "Recovery on the node"). */
import type { SecondFactorField } from './identity.ts'

export interface SetRecoveryFriendsRequest extends SecondFactorField {
  password: string
  /** The recovery phrase: its secret is what is split. */
  phrase: string
  threshold: number
  /** Friends: usernames, peer ids or hex keys. */
  friends: string[]
}

export interface SetRecoveryFriendsResponse {
  threshold: number
  friends: string[]
}

export interface KeptShareView {
  /** The friend who gave it (peer id). */
  friend: string
  /** The account it recovers (peer id). */
  account: string
  threshold: number
  at: number
}

export interface RecoveryRequestView {
  requestId: string
  /** The account asked about (peer id): the friend whose share we keep. */
  account: string
  /** The key asking (peer id): the friend's new machine, if the code matches. */
  requester: string
  /** Six digits to compare with the friend out of band before releasing. */
  code: string
  at: number
}

export interface AnswerRecoveryRequest {
  requestId: string
  release: boolean
}

export interface AskRecoveryRequest {
  /** The account to recover: the peer id (or hex key) friends know it by. */
  account: string
  friends: string[]
}

export interface AskedFriendView {
  requestId: string
  /** The friend asked (peer id). */
  peer: string
  /** The code that friend's screen shows: read it to them. */
  code: string
  state: 'asked' | 'released' | 'declined'
}
