/** Recovery through friends (doc/accounts.md, "Recovery on the node"). */
import { z } from 'zod'
import { SecondFactorField } from './identity.ts'
import { named } from './route.ts'

export const SetRecoveryFriendsRequest = named(
  'SetRecoveryFriendsRequest',
  SecondFactorField.extend({
    password: z.string(),
    /** The recovery phrase: its secret is what is split. */
    phrase: z.string(),
    threshold: z.number(),
    /** Friends: usernames, peer ids or hex keys. */
    friends: z.array(z.string()),
  }),
)
export type SetRecoveryFriendsRequest = z.infer<typeof SetRecoveryFriendsRequest>

export const SetRecoveryFriendsResponse = named(
  'SetRecoveryFriendsResponse',
  z.object({
    threshold: z.number(),
    friends: z.array(z.string()),
  }),
)
export type SetRecoveryFriendsResponse = z.infer<typeof SetRecoveryFriendsResponse>

export const KeptShareView = named(
  'KeptShareView',
  z.object({
    /** The friend who gave it (peer id). */
    friend: z.string(),
    /** The account it recovers (peer id). */
    account: z.string(),
    threshold: z.number(),
    at: z.number(),
  }),
)
export type KeptShareView = z.infer<typeof KeptShareView>

export const RecoveryRequestView = named(
  'RecoveryRequestView',
  z.object({
    requestId: z.string(),
    /** The account asked about (peer id): the friend whose share we keep. */
    account: z.string(),
    /** The key asking (peer id): the friend's new machine, if the code matches. */
    requester: z.string(),
    /** Six digits to compare with the friend out of band before releasing. */
    code: z.string(),
    at: z.number(),
  }),
)
export type RecoveryRequestView = z.infer<typeof RecoveryRequestView>

export const AnswerRecoveryRequest = named(
  'AnswerRecoveryRequest',
  z.object({
    requestId: z.string(),
    release: z.boolean(),
  }),
)
export type AnswerRecoveryRequest = z.infer<typeof AnswerRecoveryRequest>

export const AskRecoveryRequest = named(
  'AskRecoveryRequest',
  z.object({
    /** The account to recover: the peer id (or hex key) friends know it by. */
    account: z.string(),
    friends: z.array(z.string()),
  }),
)
export type AskRecoveryRequest = z.infer<typeof AskRecoveryRequest>

export const AskedFriendView = named(
  'AskedFriendView',
  z.object({
    requestId: z.string(),
    /** The friend asked (peer id). */
    peer: z.string(),
    /** The code that friend's screen shows: read it to them. */
    code: z.string(),
    state: z.enum(['asked', 'released', 'declined']),
  }),
)
export type AskedFriendView = z.infer<typeof AskedFriendView>
