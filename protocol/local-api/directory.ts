/** The username directory: names, profiles, sign-up verification (doc/usernames.md). */
import { z } from 'zod'
import { DIRECTORY_API_PATHS } from './paths.ts'
import { apiRoute, named, nonEmpty } from './route.ts'

/** Sign-up verifications a relay may require (anti-spam; none becomes the user's identity). */
export const SignupMethod = z.enum(['email', 'sms', 'oidc'])
export type SignupMethod = z.infer<typeof SignupMethod>

export const SignupPolicyView = named(
  'SignupPolicyView',
  z.object({
    relayPeerId: z.string(),
    /** Any one of these is required before a new name is granted; empty: none. */
    methods: z.array(SignupMethod),
    /** Digits of an e-mail or phone code. */
    codeLength: z.number(),
    /** The OpenID provider's name, when `oidc` is accepted. */
    oidcProvider: z.string().optional(),
    inviteRequired: z.boolean(),
    /** Leading zero bits of proof of work the node does by itself; 0: none. */
    workBits: z.number(),
  }),
)
export type SignupPolicyView = z.infer<typeof SignupPolicyView>

export const StartVerificationRequest = named(
  'StartVerificationRequest',
  z.object({
    method: SignupMethod,
    /** The e-mail address, or the phone number with its country code (+44...); none for oidc. */
    address: z.string().optional(),
    /** Relay multiaddr or peer id; default: the first connected relay. */
    relay: z.string().optional(),
  }),
)
export type StartVerificationRequest = z.infer<typeof StartVerificationRequest>

export const VerificationView = named(
  'VerificationView',
  z.object({
    /** Hex; give it back with the claim (RegisterNameRequest.verification). */
    id: z.string(),
    /** The relay it was started on: register there. */
    relayPeerId: z.string(),
    method: SignupMethod,
    /** ms since the Unix epoch. */
    expiresAt: z.number(),
    /** Where the code went, partly masked. */
    sentTo: z.string().optional(),
    /** oidc: the URL the person opens to log in. */
    authorizationUrl: z.string().optional(),
    /** oidc: the login completed; register now. */
    completed: z.boolean(),
  }),
)
export type VerificationView = z.infer<typeof VerificationView>

/** A name as a relay vouches for it, already verified by the node. */
export const NameView = named(
  'NameView',
  z.object({
    /** Normalized name, e.g. `alice`. */
    name: z.string(),
    /** `name@<relay peer id>`: names are scoped to the relay that issued them. */
    scopedName: z.string(),
    /** The owner's PeerId and Ed25519 public key (hex). */
    peerId: z.string(),
    publicKey: z.string(),
    relayPeerId: z.string(),
    /** ms since the Unix epoch. */
    issuedAt: z.number(),
    expiresAt: z.number(),
  }),
)
export type NameView = z.infer<typeof NameView>

/** Public profile fields; each only when its owner published it. */
export const ProfileView = named(
  'ProfileView',
  z.object({
    displayName: z.string().optional(),
    bio: z.string().optional(),
    /** Hex SHA-256 of the avatar image. */
    avatarHash: z.string().optional(),
    email: z.string().optional(),
    gender: z.string().optional(),
    age: z.number().optional(),
  }),
)
export type ProfileView = z.infer<typeof ProfileView>

export const LookupView = named(
  'LookupView',
  NameView.extend({
    /** `relay`: answered by the issuing relay; `dht`: the relay was unreachable, the DHT's copy. */
    source: z.enum(['relay', 'dht']),
    profile: ProfileView.optional(),
  }),
)
export type LookupView = z.infer<typeof LookupView>

export const SearchView = named(
  'SearchView',
  z.object({
    results: z.array(NameView.extend({ profile: ProfileView })),
  }),
)
export type SearchView = z.infer<typeof SearchView>

export const NamesView = named(
  'NamesView',
  z.object({
    names: z.array(NameView),
  }),
)
export type NamesView = z.infer<typeof NamesView>

export const RegisterNameRequest = named(
  'RegisterNameRequest',
  z.object({
    name: nonEmpty(),
    /** Relay multiaddr (ending in /p2p/<id>) or peer id; default: the first connected relay. */
    relay: z.string().optional(),
    inviteCode: z.string().optional(),
    /** A sign-up verification started on that relay (VerificationView.id), and its code. */
    verification: z.object({ id: z.string(), code: z.string().optional() }).optional(),
  }),
)
export type RegisterNameRequest = z.infer<typeof RegisterNameRequest>

export const ReleaseNameRequest = named(
  'ReleaseNameRequest',
  z.object({
    /** Default: this node's only name. */
    name: z.string().optional(),
    relay: z.string().optional(),
  }),
)
export type ReleaseNameRequest = z.infer<typeof ReleaseNameRequest>

export const SetProfileRequest = named(
  'SetProfileRequest',
  ProfileView.extend({
    relay: z.string().optional(),
  }),
)
export type SetProfileRequest = z.infer<typeof SetProfileRequest>

/** The username directory. */
export const DIRECTORY_ROUTES = {
  register: apiRoute({
    method: 'POST',
    path: DIRECTORY_API_PATHS.register,
    summary: 'Registers (or renews) a name on a relay',
    body: RegisterNameRequest,
    response: NameView,
    errors: ['conflict', 'rate-limited'],
  }),
  release: apiRoute({
    method: 'POST',
    path: DIRECTORY_API_PATHS.release,
    summary: 'Releases a name',
    body: ReleaseNameRequest,
    response: NameView,
    errors: ['rate-limited'],
  }),
  lookup: apiRoute({
    method: 'GET',
    path: DIRECTORY_API_PATHS.lookup,
    summary: 'Looks a name up: its key and profile',
    query: z.object({ name: nonEmpty() }),
    response: LookupView,
    errors: ['rate-limited'],
  }),
  search: apiRoute({
    method: 'GET',
    path: DIRECTORY_API_PATHS.search,
    summary: 'Names that start with a prefix, on a relay',
    query: z.object({
      prefix: nonEmpty(),
      limit: z.coerce.number().int().min(1).optional(),
      relay: z.string().optional(),
    }),
    response: SearchView,
    errors: ['rate-limited'],
  }),
  profile: apiRoute({
    method: 'PUT',
    path: DIRECTORY_API_PATHS.profile,
    summary: 'Publishes our profile',
    body: SetProfileRequest,
    response: ProfileView,
    errors: ['rate-limited'],
  }),
  names: apiRoute({
    method: 'GET',
    path: DIRECTORY_API_PATHS.names,
    summary: "This node's own names",
    response: NamesView,
  }),
  signupPolicy: apiRoute({
    method: 'GET',
    path: DIRECTORY_API_PATHS.signupPolicy,
    summary: 'What a relay requires before it grants a name',
    query: z.object({ relay: z.string().optional() }),
    response: SignupPolicyView,
    errors: ['rate-limited'],
  }),
  verify: apiRoute({
    method: 'POST',
    path: DIRECTORY_API_PATHS.verify,
    summary: 'Starts a sign-up verification: sends the code, or gives the login URL',
    body: StartVerificationRequest,
    response: VerificationView,
    errors: ['rate-limited'],
  }),
  verification: apiRoute({
    method: 'GET',
    path: DIRECTORY_API_PATHS.verification,
    summary: 'Whether a sign-up login completed',
    query: z.object({ id: nonEmpty(), relay: z.string().optional() }),
    response: VerificationView,
    errors: ['rate-limited'],
  }),
}
