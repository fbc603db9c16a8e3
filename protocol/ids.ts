/**
 * Every protocol id TokenIM speaks, in one place. Ids follow `/tokenim/<name>/<semver>`:
 * a peer that only knows `1.0.0` never mistakes a `2.0.0` stream for one it can read, and
 * a node can offer both versions while the network upgrades.
 */

/** Prefix shared by every TokenIM protocol id and topic. */
export const PROTOCOL_PREFIX = '/tokenim'

/**
 * The Kademlia DHT (pass as kad-dht's `protocol` option). A private id keeps TokenIM nodes
 * out of the public IPFS DHT and keeps IPFS nodes out of ours.
 */
export const DHT_PROTOCOL = '/tokenim/kad/1.0.0'

/** Direct 1:1 delivery of encrypted envelopes between two online nodes, with acks. */
export const DM_PROTOCOL = '/tokenim/dm/1.0.0'

/** Username registration and lookup, served by relays. */
export const DIRECTORY_PROTOCOL = '/tokenim/directory/1.0.0'

/** Presence updates, exchanged between friends only. */
export const PRESENCE_PROTOCOL = '/tokenim/presence/1.0.0'

/** Attachment transfer in chunks (images, files). */
export const FILE_PROTOCOL = '/tokenim/file/1.0.0'

/**
 * TCP hole punching: two nodes that meet through a relay's circuit agree there on the
 * addresses and the moment to connect to each other directly (network/tcp-punch.ts).
 */
export const PUNCH_PROTOCOL = '/tokenim/punch/1.0.0'

/** Gossipsub topic prefix for group rooms; a room's topic is this prefix and the room id. */
export const ROOM_TOPIC_PREFIX = '/tokenim/room/1.0.0/'

/**
 * Signing domain of a SessionAnnouncement wrapped in a SignedRecord (see protocol/codec.ts):
 * a signature made for another kind of record never verifies as an announcement.
 */
export const SESSION_ANNOUNCEMENT_DOMAIN = '/tokenim/session-announcement/1.0.0'

/** Signing domain of a relay-signed NameRecord (the username directory). */
export const NAME_RECORD_DOMAIN = '/tokenim/name-record/1.0.0'

/** Signing domain of a user-signed public Profile. */
export const PROFILE_DOMAIN = '/tokenim/profile/1.0.0'

/** Signing domain of a FriendProfile: what a person shows friends and rooms, signed by the account key. */
export const FRIEND_PROFILE_DOMAIN = '/tokenim/friend-profile/1.0.0'

/** Signing domain of a ClaimProof: a claimant's answer to a relay's registration challenge. */
export const CLAIM_PROOF_DOMAIN = '/tokenim/directory-claim/1.0.0'

/** Signing domain of a relay's SessionSupersededNotice ("signed in elsewhere"). */
export const SESSION_NOTICE_DOMAIN = '/tokenim/session-superseded/1.0.0'

/** DHT key namespace of name records: `/tokenim-name/<hex digest>` (see protocol/directory.ts). */
export const NAME_DHT_NAMESPACE = 'tokenim-name'

/** Gossipsub topic prefix of an identity's session announcements; the topic ends in its PeerId. */
export const SESSION_TOPIC_PREFIX = '/tokenim/session/1.0.0/'

/**
 * DHT key namespace of pairwise offline-mailbox slots: `/tokenim-mbox/<hex sha256(slot key)>`
 * (see protocol/mailbox.ts). Nothing in the key names the sender or the recipient.
 */
export const MAILBOX_DHT_NAMESPACE = 'tokenim-mbox'

/** DHT key namespace of first-contact inbox slots, which anyone can compute for a recipient. */
export const INBOX_DHT_NAMESPACE = 'tokenim-inbox'

/** DHT key namespace of published prekey bundles: `/tokenim-prekeys/<hex sha256(identity key)>`. */
export const PREKEYS_DHT_NAMESPACE = 'tokenim-prekeys'

/** Signing domain of a MailboxEntry (deposit or tombstone) wrapped in a SignedRecord. */
export const MAILBOX_RECORD_DOMAIN = '/tokenim/mailbox/1.0.0'

/** Signing domain of a PublishedPrekeys bundle wrapped in a SignedRecord. */
export const PREKEY_BUNDLE_DOMAIN = '/tokenim/prekeys/1.0.0'

/** Room catch-up: "send me the room events after these heads", served by members. */
export const ROOM_SYNC_PROTOCOL = '/tokenim/room-sync/1.0.0'

/** Delivery of sealed room sender keys from one member to another, with an ack. */
export const ROOM_KEYS_PROTOCOL = '/tokenim/room-keys/1.0.0'

/** Signing domain of a RoomEvent (room ops and messages). */
export const ROOM_EVENT_DOMAIN = '/tokenim/room-event/1.0.0'

/** Signing domain of a RoomKeyBundle (a member's sender key, for one other member). */
export const ROOM_KEY_BUNDLE_DOMAIN = '/tokenim/room-key-bundle/1.0.0'

/** Signing domain of an invite proof: the invite key's signature over (room id, joiner key). */
export const ROOM_INVITE_DOMAIN = '/tokenim/room-invite/1.0.0'

/** HKDF info of a SealedBox (a payload sealed to one identity key). */
export const SEALED_BOX_INFO = '/tokenim/sealed-box/1.0.0'

/** Signing domain of a PresenceHeartbeat (social.proto) wrapped in a SignedRecord. */
export const PRESENCE_DOMAIN = '/tokenim/presence-heartbeat/1.0.0'

/**
 * DHT key namespace of account device lists:
 * `/tokenim-devices/<hex sha256(DEVICE_LIST_DOMAIN || account key)>` (protocol/accounts).
 */
export const DEVICES_DHT_NAMESPACE = 'tokenim-devices'

/** Signing domain of a DeviceCertificate, signed by the account key. */
export const DEVICE_CERTIFICATE_DOMAIN = '/tokenim/device-certificate/1.0.0'

/** Signing domain of a DeviceList, signed by the account key. */
export const DEVICE_LIST_DOMAIN = '/tokenim/device-list/1.0.0'

/** Linking a new device to an account: a one-time code, a SAS, then the handover. */
export const LINK_PROTOCOL = '/tokenim/link/1.0.0'

/** History on a new device: an account's device hands its 1:1 history to another. */
export const HISTORY_PROTOCOL = '/tokenim/history/1.0.0'

/** HMAC info of the new device's proof that it holds a link code's secret. */
export const LINK_PROOF_INFO = '/tokenim/link-proof/1.0.0'

/** HKDF info of the short authentication string both devices show. */
export const LINK_SAS_INFO = '/tokenim/link-sas/1.0.0'

/** Signing domain of a KeyRotation, cosigned by the old and the new account key. */
export const KEY_ROTATION_DOMAIN = '/tokenim/key-rotation/1.0.0'

/**
 * DHT key namespace of key rotation statements, stored under the key they retire:
 * `/tokenim-key-rotations/<hex sha256(KEY_ROTATION_DOMAIN || old key)>` (protocol/accounts).
 */
export const KEY_ROTATIONS_DHT_NAMESPACE = 'tokenim-key-rotations'

/** Signing domain of a KeyRecovery, cosigned by the committed recovery key and the new key. */
export const KEY_RECOVERY_DOMAIN = '/tokenim/key-recovery/1.0.0'

/**
 * DHT key namespace of key recovery statements, stored under the epoch's first key and the
 * commitment the recovery answers:
 * `/tokenim-key-recoveries/<hex sha256(KEY_RECOVERY_DOMAIN || old key || commitment)>`.
 */
export const KEY_RECOVERIES_DHT_NAMESPACE = 'tokenim-key-recoveries'
