/** The username directory: names, profiles, sign-up verification (doc/usernames.md). */

/** Sign-up verifications a relay may require (anti-spam; none becomes the user's identity). */
export type SignupMethod = 'email' | 'sms' | 'oidc'

export interface SignupPolicyView {
  relayPeerId: string
  /** Any one of these is required before a new name is granted; empty: none. */
  methods: SignupMethod[]
  /** Digits of an e-mail or phone code. */
  codeLength: number
  /** The OpenID provider's name, when `oidc` is accepted. */
  oidcProvider?: string
  inviteRequired: boolean
  /** Leading zero bits of proof of work the node does by itself; 0: none. */
  workBits: number
}

export interface StartVerificationRequest {
  method: SignupMethod
  /** The e-mail address, or the phone number with its country code (+44...); none for oidc. */
  address?: string
  /** Relay multiaddr or peer id; default: the first connected relay. */
  relay?: string
}

export interface VerificationView {
  /** Hex; give it back with the claim (RegisterNameRequest.verification). */
  id: string
  /** The relay it was started on: register there. */
  relayPeerId: string
  method: SignupMethod
  /** ms since the Unix epoch. */
  expiresAt: number
  /** Where the code went, partly masked. */
  sentTo?: string
  /** oidc: the URL the person opens to log in. */
  authorizationUrl?: string
  /** oidc: the login completed; register now. */
  completed: boolean
}

/** A name as a relay vouches for it, already verified by the node. */
export interface NameView {
  /** Normalized name, e.g. `alice`. */
  name: string
  /** `name@<relay peer id>`: names are scoped to the relay that issued them. */
  scopedName: string
  /** The owner's PeerId and Ed25519 public key (hex). */
  peerId: string
  publicKey: string
  relayPeerId: string
  /** ms since the Unix epoch. */
  issuedAt: number
  expiresAt: number
}

/** Public profile fields; each only when its owner published it. */
export interface ProfileView {
  displayName?: string
  bio?: string
  /** Hex SHA-256 of the avatar image. */
  avatarHash?: string
  email?: string
  gender?: string
  age?: number
}

export interface LookupView extends NameView {
  /** `relay`: answered by the issuing relay; `dht`: the relay was unreachable, the DHT's copy. */
  source: 'relay' | 'dht'
  profile?: ProfileView
}

export interface SearchView {
  results: Array<NameView & { profile: ProfileView }>
}

export interface NamesView {
  names: NameView[]
}

export interface RegisterNameRequest {
  name: string
  /** Relay multiaddr (ending in /p2p/<id>) or peer id; default: the first connected relay. */
  relay?: string
  inviteCode?: string
  /** A sign-up verification started on that relay (VerificationView.id), and its code. */
  verification?: { id: string; code?: string }
}

export interface ReleaseNameRequest {
  /** Default: this node's only name. */
  name?: string
  relay?: string
}

export interface SetProfileRequest extends ProfileView {
  relay?: string
}
