/**
 * The node process: its status, its state before an identity runs (none, locked, running), and the
 * routes that create, restore or unlock one.
 */
import { z } from 'zod'
import { IdentityInfo } from './common.ts'
import { ConfirmDeviceLinkRequest, LinkNewDeviceRequest, LinkSasView } from './devices.ts'
import { NodeEventMessageSchema } from './events.ts'
import { FriendView } from './friends.ts'
import { API_PATHS } from './paths.ts'
import { RelayLinkStatus } from './relays.ts'
import { apiRoute, named, nonEmpty } from './route.ts'

export const NodeStatus = named(
  'NodeStatus',
  IdentityInfo.extend({
    listenAddresses: z.array(z.string()),
    connections: z.number(),
    peers: z.array(z.string()),
    dataDir: z.string(),
    apiUrl: z.string().nullable(),
    startedAt: z.number(),
    version: z.string(),
    /** The relays the node was told to keep connected to. */
    relays: z.array(RelayLinkStatus),
    /**
     * A DHT peer holds our latest prekey bundle: someone who never met us can start a
     * conversation while we are offline. False until a DHT server is reached.
     */
    prekeysPublished: z.boolean(),
    /** Every friend and how the node reaches it now, as `GET /v1/friends` lists them. */
    friends: z.array(FriendView),
  }),
)
export type NodeStatus = z.infer<typeof NodeStatus>

/**
 * What the node process is doing. A node started with `--web` and no password waits for
 * the web client: with no identity yet (`no-identity`) or with one sealed (`locked`); once
 * an identity is created, restored or unlocked, the node runs behind the same API.
 */
export const NodeState = z.enum(['no-identity', 'locked', 'running'])
export type NodeState = z.infer<typeof NodeState>

/** GET /v1/state: answered in every state. */
export const StateResponse = named(
  'StateResponse',
  z.object({
    state: NodeState,
    /** `locked` only: wrong passwords in a row since the last success. */
    failures: z.number().optional(),
    /** `locked` only: wait before the next unlock attempt is allowed (0: now). */
    retryAfterMs: z.number().optional(),
    /**
     * `no-identity` only: a phrase was handed out (IdentityPhraseResponse) and not yet typed
     * back into an identity; asking again gives the same words while the node runs.
     */
    phrasePending: z.boolean().optional(),
  }),
)
export type StateResponse = z.infer<typeof StateResponse>

/** The password the identity will be sealed with: checked for strength before any words. */
export const IdentityPhraseRequest = named(
  'IdentityPhraseRequest',
  z.object({
    password: nonEmpty(),
  }),
)
export type IdentityPhraseRequest = z.infer<typeof IdentityPhraseRequest>

/**
 * The 24 words of a new account, before it exists: the web client shows them, has some typed
 * back, then creates the identity from them (RestoreIdentityRequest). Nothing is written.
 */
export const IdentityPhraseResponse = named(
  'IdentityPhraseResponse',
  z.object({
    backupPhrase: z.string(),
  }),
)
export type IdentityPhraseResponse = z.infer<typeof IdentityPhraseResponse>

/** The web client's address with the new token (in the fragment). */
export const RotateApiTokenResponse = named(
  'RotateApiTokenResponse',
  z.object({
    webUrl: z.string(),
  }),
)
export type RotateApiTokenResponse = z.infer<typeof RotateApiTokenResponse>

export const CreateIdentityRequest = named(
  'CreateIdentityRequest',
  z.object({
    password: nonEmpty(),
  }),
)
export type CreateIdentityRequest = z.infer<typeof CreateIdentityRequest>

/** The backup phrase is in this answer only: the node keeps no copy of it. */
export const CreateIdentityResponse = named(
  'CreateIdentityResponse',
  IdentityInfo.extend({
    backupPhrase: z.string(),
  }),
)
export type CreateIdentityResponse = z.infer<typeof CreateIdentityResponse>

export const RestoreIdentityRequest = named(
  'RestoreIdentityRequest',
  z.object({
    /** The 24-word backup phrase. */
    phrase: nonEmpty(),
    /** The new password that seals the restored identity. */
    password: nonEmpty(),
  }),
)
export type RestoreIdentityRequest = z.infer<typeof RestoreIdentityRequest>

export const UnlockRequest = named(
  'UnlockRequest',
  z.object({
    password: nonEmpty(),
  }),
)
export type UnlockRequest = z.infer<typeof UnlockRequest>

export const StopResponse = named('StopResponse', z.object({ stopping: z.literal(true) }))
export type StopResponse = z.infer<typeof StopResponse>

/** The OpenAPI document of this API (its own answer is described loosely). */
export const OpenApiDocument = named(
  'OpenApiDocument',
  z.looseObject({ openapi: z.string(), paths: z.record(z.string(), z.unknown()) }),
)

/** The node process: its state, the identity it runs, and the node itself. */
export const NODE_ROUTES = {
  openapi: apiRoute({
    method: 'GET',
    path: API_PATHS.openapi,
    summary: 'This document',
    response: OpenApiDocument,
    served: 'always',
  }),
  state: apiRoute({
    method: 'GET',
    path: API_PATHS.state,
    summary: 'What the process is doing: waiting for an identity, locked, or running',
    response: StateResponse,
    served: 'always',
  }),
  status: apiRoute({
    method: 'GET',
    path: API_PATHS.status,
    summary: 'The running node: identity, addresses, connections, relays, friends',
    response: NodeStatus,
  }),
  id: apiRoute({
    method: 'GET',
    path: API_PATHS.id,
    summary: "The running node's identity",
    response: IdentityInfo,
  }),
  stop: apiRoute({
    method: 'POST',
    path: API_PATHS.stop,
    summary: 'Stops the node process (answers first)',
    response: StopResponse,
    served: 'always',
  }),
  events: apiRoute({
    method: 'GET',
    path: API_PATHS.events,
    summary: 'The event stream',
    query: z.object({
      /** The `seq` of the last event received: the events after it come first. */
      since: z
        .string()
        .regex(/^\d{1,15}$/, 'must be the seq of an event received')
        .optional(),
      /** The `epoch` of that event. */
      epoch: z.string().optional(),
    }),
    response: NodeEventMessageSchema,
    websocket: true,
    served: 'always',
  }),
  apiToken: apiRoute({
    method: 'POST',
    path: API_PATHS.apiToken,
    summary: 'A new API token, required at once (the old one is refused)',
    response: RotateApiTokenResponse,
    served: 'always',
  }),
  createIdentity: apiRoute({
    method: 'POST',
    path: API_PATHS.identity,
    summary: 'Creates the identity (no identity yet), then runs the node',
    body: CreateIdentityRequest,
    response: CreateIdentityResponse,
    errors: ['conflict'],
    served: 'always',
  }),
  identityPhrase: apiRoute({
    method: 'POST',
    path: API_PATHS.identityPhrase,
    summary: "A new account's 24 words, before it exists (no identity yet)",
    body: IdentityPhraseRequest,
    response: IdentityPhraseResponse,
    errors: ['conflict'],
    served: 'always',
  }),
  restoreIdentity: apiRoute({
    method: 'POST',
    path: API_PATHS.identityRestore,
    summary: 'Restores the identity from its backup phrase, then runs the node',
    body: RestoreIdentityRequest,
    response: IdentityInfo,
    errors: ['conflict', 'forbidden'],
    served: 'always',
  }),
  unlock: apiRoute({
    method: 'POST',
    path: API_PATHS.unlock,
    summary: 'Unlocks the identity with its password, then runs the node',
    body: UnlockRequest,
    response: IdentityInfo,
    errors: ['conflict', 'locked'],
    served: 'always',
  }),
  linkDevice: apiRoute({
    method: 'POST',
    path: API_PATHS.identityLink,
    summary: "Links this new device to an account shown on another device's code",
    body: LinkNewDeviceRequest,
    response: LinkSasView,
    errors: ['conflict', 'not-found'],
    served: 'always',
  }),
  confirmLink: apiRoute({
    method: 'POST',
    path: API_PATHS.identityLinkConfirm,
    summary: 'Confirms the SAS both devices show, then runs the node',
    body: ConfirmDeviceLinkRequest,
    response: IdentityInfo,
    errors: ['conflict'],
    served: 'always',
  }),
}
