/** Recovery through friends (doc/accounts.md, "Recovery on the node"). */
import { z } from 'zod'
import { RotateKeyResponse, SecondFactorField } from './identity.ts'
import { RECOVERY_API_PATHS } from './paths.ts'
import { apiRoute, named, nonEmpty } from './route.ts'

export const SetRecoveryFriendsRequest = named(
  'SetRecoveryFriendsRequest',
  SecondFactorField.extend({
    password: nonEmpty(),
    /** The recovery phrase: its secret is what is split. */
    phrase: nonEmpty(),
    threshold: z.coerce.number().int().min(1),
    /** Friends: usernames, peer ids or hex keys. */
    friends: z.array(z.string()),
  }),
)
export type SetRecoveryFriendsRequest = z.infer<typeof SetRecoveryFriendsRequest>

export const SetRecoveryFriendsResponse = named(
  'SetRecoveryFriendsResponse',
  z.object({
    threshold: z.coerce.number().int().min(1),
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
    threshold: z.coerce.number().int().min(1),
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
    requestId: nonEmpty(),
    release: z.boolean(),
  }),
)
export type AnswerRecoveryRequest = z.infer<typeof AnswerRecoveryRequest>

export const AskRecoveryRequest = named(
  'AskRecoveryRequest',
  z.object({
    /** The account to recover: the peer id (or hex key) friends know it by. */
    account: nonEmpty(),
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

export const KeptSharesResponse = named(
  'KeptSharesResponse',
  z.object({ kept: z.array(KeptShareView) }),
)
export const RecoveryRequestsResponse = named(
  'RecoveryRequestsResponse',
  z.object({ requests: z.array(RecoveryRequestView) }),
)
export const AskedFriendsResponse = named(
  'AskedFriendsResponse',
  z.object({ asked: z.array(AskedFriendView) }),
)

/** Recovery through friends. */
export const RECOVERY_ROUTES = {
  setFriends: apiRoute({
    method: 'POST',
    path: RECOVERY_API_PATHS.friends,
    summary: 'Splits the recovery secret among friends (a sensitive action)',
    body: SetRecoveryFriendsRequest,
    response: SetRecoveryFriendsResponse,
    errors: ['locked', 'conflict'],
    served: 'always',
  }),
  kept: apiRoute({
    method: 'GET',
    path: RECOVERY_API_PATHS.kept,
    summary: 'Shares this node keeps for friends',
    response: KeptSharesResponse,
  }),
  requests: apiRoute({
    method: 'GET',
    path: RECOVERY_API_PATHS.requests,
    summary: "Friends' requests waiting for this user's answer",
    response: RecoveryRequestsResponse,
  }),
  answer: apiRoute({
    method: 'POST',
    path: RECOVERY_API_PATHS.answer,
    summary: 'Releases or declines a share',
    body: AnswerRecoveryRequest,
    response: named('AnswerRecoveryResponse', z.object({ answered: z.literal(true) })),
  }),
  ask: apiRoute({
    method: 'POST',
    path: RECOVERY_API_PATHS.ask,
    summary: 'Asks friends for their shares (on a new machine)',
    body: AskRecoveryRequest,
    response: AskedFriendsResponse,
  }),
  asked: apiRoute({
    method: 'GET',
    path: RECOVERY_API_PATHS.asked,
    summary: 'Our requests and their answers',
    response: AskedFriendsResponse,
  }),
  complete: apiRoute({
    method: 'POST',
    path: RECOVERY_API_PATHS.complete,
    summary: 'Rebuilds the secret from the released shares and takes the account',
    body: named('CompleteRecoveryRequest', SecondFactorField.extend({ password: nonEmpty() })),
    response: RotateKeyResponse,
    errors: ['locked', 'conflict'],
    served: 'always',
  }),
}
