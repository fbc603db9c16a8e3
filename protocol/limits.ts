/**
 * Size limits, in bytes unless the name says otherwise. Every decoder checks its input
 * against one of these before parsing, so a hostile peer cannot make a node buffer or
 * parse more than this. They nest: a DM plaintext fits in an envelope, an envelope fits in
 * a DHT record and in a stream frame (test/unit/codec.test.ts checks this).
 */

const KIB = 1024

/**
 * Largest length-prefixed frame accepted on any TokenIM stream (the 1:1 and room-sync
 * protocols use all of it; the others less, see the StreamLimits below).
 */
export const MAX_STREAM_FRAME_SIZE = 128 * KIB

/** Largest plaintext of one direct message (text, or a small inline image) before encryption. */
export const MAX_DM_PLAINTEXT_SIZE = 64 * KIB

/**
 * Largest text of one direct message, UTF-8 bytes. The rest of MAX_DM_PLAINTEXT_SIZE is
 * room for the inner message's other fields (id, seq, time, kind).
 */
export const MAX_DM_TEXT_SIZE = MAX_DM_PLAINTEXT_SIZE - KIB

/** Most message ids one delivery receipt names; more are split over several receipts. */
export const MAX_RECEIPT_MESSAGE_IDS = 1000

/**
 * Most texts one bundle carries (several texts a node sends together under one ratchet
 * message, within MAX_DM_PLAINTEXT_SIZE in all).
 */
export const MAX_BUNDLE_TEXTS = 256

/** Most message ids one mailbox refusal notice names; more are split over several notices. */
export const MAX_REFUSAL_MESSAGE_IDS = 1000

/**
 * Largest encrypted 1:1 envelope: the largest plaintext plus headers, ratchet keys, tag and
 * padding, with room to spare.
 */
export const MAX_ENVELOPE_SIZE = 96 * KIB

/** Largest value stored in the DHT (offline mailbox envelopes, signed records). */
export const MAX_DHT_RECORD_SIZE = 100 * KIB

/** Largest signed username record in the relay directory. */
export const MAX_USERNAME_RECORD_SIZE = 4 * KIB

/** Largest encoded room message as published on gossipsub; topic validators drop bigger ones. */
export const MAX_ROOM_MESSAGE_SIZE = 64 * KIB

/** Plaintext size of one attachment chunk; the last chunk of a file may be shorter. */
export const ATTACHMENT_CHUNK_SIZE = 64 * KIB

/** Largest signed SessionAnnouncement record. */
export const MAX_SESSION_ANNOUNCEMENT_SIZE = 4 * KIB

/** Most multiaddrs one SessionAnnouncement may list. */
export const MAX_ANNOUNCED_MULTIADDRS = 16

/** Largest DirectoryRequest or DirectoryResponse frame (a full search answer fits). */
export const MAX_DIRECTORY_MESSAGE_SIZE = 64 * KIB

/** A sign-up code (e-mail, phone) or an OpenID login must be completed within this. */
export const SIGNUP_VERIFICATION_TTL_MS = 10 * 60_000

/** Wrong codes one sign-up verification accepts before it is void (each also counts towards the lockout). */
export const MAX_SIGNUP_CODE_ATTEMPTS = 5

/** Codes a relay sends to one e-mail address or phone number per hour (no mail-bombing through a relay). */
export const SIGNUP_CODES_PER_ADDRESS_PER_HOUR = 3

/** Sign-up verifications a relay keeps pending at once (one per peer); past it new ones are refused. */
export const MAX_PENDING_SIGNUP_VERIFICATIONS = 10_000

/** Longest e-mail address or phone number a sign-up verification accepts. */
export const MAX_SIGNUP_ADDRESS_LENGTH = 254

/** Largest signed public Profile. */
export const MAX_PROFILE_SIZE = 2 * KIB

/** Most hits one directory search returns. */
export const MAX_SEARCH_RESULTS = 20

/** Longest profile display name, bio, e-mail address and gender, in characters. */
export const MAX_PROFILE_DISPLAY_NAME_LENGTH = 64
export const MAX_PROFILE_BIO_LENGTH = 280
export const MAX_PROFILE_EMAIL_LENGTH = 254
export const MAX_PROFILE_GENDER_LENGTH = 32

/**
 * Largest payload of one mailbox deposit: an envelope plus the slot encryption or the inbox
 * seal around it. A whole signed mailbox record stays within MAX_DHT_RECORD_SIZE.
 */
export const MAX_MAILBOX_PAYLOAD_SIZE = MAX_ENVELOPE_SIZE + 256

/** Largest signed prekey bundle record in the DHT. */
export const MAX_PREKEY_RECORD_SIZE = 4 * KIB

/** Most one-time prekeys one published bundle lists. */
export const MAX_PUBLISHED_ONE_TIME_PREKEYS = 32

/**
 * Most messages one page of history holds (1:1, rooms, the conversation list's pages): a
 * larger request gets this many, and the page's cursor leads on to the rest.
 */
export const MAX_HISTORY_PAGE = 500

/** Largest text of one room message, UTF-8 bytes; the rest of MAX_ROOM_MESSAGE_SIZE is headers. */
export const MAX_ROOM_TEXT_SIZE = MAX_ROOM_MESSAGE_SIZE - 2 * KIB

/** Longest room name, in characters. */
export const MAX_ROOM_NAME_LENGTH = 100

/** Most causal links (ids of the latest events seen) one room event carries. */
export const MAX_ROOM_EVENT_DEPS = 8

/** Most members a room holds; joins and adds beyond it have no effect. */
export const MAX_ROOM_MEMBERS = 1000

/**
 * Furthest ahead of the next expected index a sender-key message may be: a receiver derives
 * and keeps at most this many skipped keys per sender key, so a forged index costs it little.
 */
export const MAX_ROOM_KEY_SKIP = 2000

/** Most events one room-sync answer carries; the requester asks again for the rest. */
export const MAX_ROOM_SYNC_EVENTS = 500

/** Most heads (one per author) one room-sync request or answer names. */
export const MAX_ROOM_SYNC_HEADS = MAX_ROOM_MEMBERS * 2

/** Largest frame on the room-keys protocol (one sealed key bundle, or an ack). */
export const MAX_ROOM_KEY_FRAME_SIZE = 2 * KIB

/** Longest note a friend request carries, in characters (UTF-16 code units, as JS counts). */
export const MAX_FRIEND_NOTE_LENGTH = 200

/**
 * A person's profile as friends and rooms see it (protocol/friend-profile.ts): the avatar is
 * an image of at most MAX_AVATAR_DIMENSION pixels a side (clients downsize before setting it)
 * and MAX_AVATAR_SIZE bytes, PNG, JPEG or WebP; the display name at most
 * MAX_FRIEND_DISPLAY_NAME_LENGTH characters; the whole signed record at most
 * MAX_FRIEND_PROFILE_SIZE bytes (the avatar, the name in UTF-8, key, signature and framing).
 */
export const MAX_AVATAR_SIZE = 16 * KIB
export const MAX_AVATAR_DIMENSION = 96
export const MAX_FRIEND_DISPLAY_NAME_LENGTH = 64
export const MAX_FRIEND_PROFILE_SIZE = MAX_AVATAR_SIZE + 512

/**
 * Profiles of room members who are not friends a node keeps (doc/rooms.md, "Names and faces
 * of members"), each only while it shares a room with the member: at most this many times
 * MAX_FRIEND_PROFILE_SIZE bytes (16.5 MiB) on disk and in memory.
 */
export const MAX_MEMBER_PROFILES = 1000

/**
 * Largest encoded FriendMessage (social.proto) inside a DM of kind SOCIAL: a note and name,
 * a whole device list (MAX_DEVICE_LIST_SIZE) or a whole profile (MAX_FRIEND_PROFILE_SIZE)
 * with its few bytes of framing.
 */
export const MAX_SOCIAL_PAYLOAD_SIZE = MAX_FRIEND_PROFILE_SIZE + KIB

/**
 * Voice calls (doc/calls.md). Largest session description one call signal carries: an
 * audio-only WebRTC offer is 2-5 KiB, more with its ICE candidates gathered in.
 */
export const MAX_CALL_SDP_SIZE = 16 * KIB

/** Most ICE candidates one call signal carries; a client sends more in several. */
export const MAX_CALL_CANDIDATES = 16

/** Longest ICE candidate line, UTF-8 bytes (a relayed IPv6 candidate is about 200). */
export const MAX_CALL_CANDIDATE_SIZE = 512

/** Longest media-section id of a candidate, UTF-8 bytes. */
export const MAX_CALL_SDP_MID_SIZE = 32

/** Largest encoded CallSignal (call.proto) inside a DM of kind CALL. */
export const MAX_CALL_SIGNAL_SIZE = MAX_CALL_SDP_SIZE + 2 * KIB

/**
 * How long a call rings before it counts as missed. An offer older than this when it
 * arrives (it waited in the mailbox) does not ring: it is shown as a missed call.
 */
export const CALL_RING_TIMEOUT_MS = 45_000

/**
 * Signals one call may bring us from the peer (its candidates, mostly); past it the call
 * ends. A browser gathers a few candidates per network interface and relay.
 */
export const MAX_CALL_SIGNALS_PER_CALL = 64

/** STUN and TURN servers a relay may announce for calls, and URLs per server. */
export const MAX_ICE_SERVERS = 8
export const MAX_ICE_SERVER_URLS = 4

/** Longest ICE server URL, username or credential a relay may announce, in characters. */
export const MAX_ICE_SERVER_FIELD_LENGTH = 256

/** Calls kept in the call log per peer; the oldest go first. */
export const MAX_CALL_LOG_PER_PEER = 500

/** Largest presence frame: one signed PresenceHeartbeat (about 190 bytes), with room to spare. */
export const MAX_PRESENCE_FRAME_SIZE = 512
/**
 * How long our "typing" lasts after the client last said so (node/presence/typing-signals.ts):
 * a client repeats it while its user types, so a closed tab stops it by itself.
 */
export const TYPING_IDLE_MS = 6_000

/** Largest hole-punch frame (punch.proto): a kind and one IPv6 TCP multiaddr fit in 32 bytes. */
export const MAX_PUNCH_FRAME_SIZE = 64

/** Largest attachment a node sends or accepts unless its `maxFileSize` says otherwise: 100 MiB. */
export const DEFAULT_MAX_ATTACHMENT_SIZE = 100 * KIB * KIB

/** Most chunks of one attachment, whatever a node's size limit (4 GiB of 64 KiB chunks). */
export const MAX_ATTACHMENT_CHUNKS = 65_536

/**
 * Files up to this size travel whole inside the DM, so they also wait in the offline mailbox;
 * larger ones are offered and fetched on FILE_PROTOCOL once both ends are online.
 */
export const MAX_INLINE_ATTACHMENT_SIZE = 48 * KIB

/** Longest text sent with an attachment, UTF-8 bytes (an inline file takes the rest). */
export const MAX_ATTACHMENT_CAPTION_SIZE = 4 * KIB

/** Members one room message may mention (doc/rooms.md, "Files, styles and mentions"). */
export const MAX_ROOM_MENTIONS = 50

/**
 * Request windows (each at most 16 chunks, 1 MiB) of room files one member may ask of us per
 * minute, across all rooms: any member may fetch a room's file from any other, so serving
 * is bounded per asker (about 4 MiB/s); beyond it the answer is UNAVAILABLE and the asker
 * tries another member or later.
 */
export const ROOM_FILE_WINDOWS_PER_MINUTE = 240

/**
 * Message actions (doc/message-actions.md). A reaction is one emoji, ZWJ sequences and skin
 * tones included, at most this many bytes of UTF-8.
 */
export const MAX_REACTION_SIZE = 32

/**
 * How long after sending a message its author may recall it (delete it for everyone), as
 * QQ and WeChat allow: the recipient honours a recall sent within this of the message.
 */
export const RECALL_WINDOW_MS = 2 * 60 * 1000

/** Characters of a replied-to message a history page shows above the reply. */
export const MAX_QUOTE_PREVIEW_LENGTH = 200

/** Longest attachment file name, UTF-8 bytes. */
export const MAX_ATTACHMENT_NAME_SIZE = 255

/** Longest MIME type an attachment names. */
export const MAX_MIME_TYPE_LENGTH = 127

/** Most chunk ranges one request on FILE_PROTOCOL names. */
export const MAX_FILE_REQUEST_RANGES = 1024

/** Largest frame on FILE_PROTOCOL: one chunk with its nonce, tag and framing, or a request. */
export const MAX_FILE_FRAME_SIZE = ATTACHMENT_CHUNK_SIZE + 2 * KIB

/**
 * Largest image, in pixels (width x height as its header declares), a node decodes to make a
 * thumbnail: 40 megapixels, 160 MB of RGBA. Bigger ones (or decompression bombs claiming to
 * be) are delivered without a thumbnail.
 */
export const MAX_THUMBNAIL_SOURCE_PIXELS = 40_000_000

/** Largest image file, in bytes, read whole to make a thumbnail. */
export const MAX_THUMBNAIL_SOURCE_SIZE = 64 * KIB * KIB

/** Longest side of a thumbnail, in pixels. */
export const THUMBNAIL_MAX_SIDE = 256

/** Font sizes, in points, a styled text may ask for. */
export const MIN_STYLE_FONT_SIZE = 6
export const MAX_STYLE_FONT_SIZE = 72

/**
 * What one writer may store on a DHT server (mailbox, inbox and prekey records, provider
 * records, any namespace a stranger can PUT), as the defaults of a relay's `dhtQuotas`. A
 * writer is counted by its peer id and, separately, by its IP address, whose quotas are
 * DEFAULT_DHT_QUOTA_IP_MULTIPLIER times these (one person can mint many peer ids; many
 * people can share one address behind NAT). "Per hour" refills evenly over an hour; the
 * quotas "in all" refill evenly over the longest life of a record (30 days and 20 minutes).
 * A republish of a record the server already holds, byte for byte, costs nothing.
 */
export const DEFAULT_DHT_RECORDS_PER_PEER_PER_HOUR = 1_000
export const DEFAULT_DHT_BYTES_PER_PEER_PER_HOUR = 8 * KIB * KIB
export const DEFAULT_DHT_RECORDS_PER_PEER = 10_000
export const DEFAULT_DHT_BYTES_PER_PEER = 64 * KIB * KIB
export const DEFAULT_DHT_QUOTA_IP_MULTIPLIER = 4

/**
 * Writers (peer ids and addresses) whose DHT usage a server remembers, about 400 bytes each
 * (20 MB at this cap, measured); past it the least recently seen is forgotten (its quota
 * starts afresh).
 */
export const MAX_TRACKED_DHT_WRITERS = 50_000

/**
 * How long a frame may take to arrive once its first byte has: a peer that trickles a frame
 * byte by byte (slowloris) holds a stream, and what it buffered, no longer than this. 128 KiB
 * in 10 s asks for 13 KB/s, which even a relayed connection gives.
 */
export const FRAME_DEADLINE_MS = 10_000

/**
 * Framing violations (a length prefix too long or too large, a stalled frame, bytes past a
 * stream's buffer) one peer may cause within FRAMING_VIOLATION_WINDOW_MS; at the next, its
 * connections are closed. No honest peer causes any; a few forgive a bug or a crash.
 */
export const MAX_FRAMING_VIOLATIONS = 3
export const FRAMING_VIOLATION_WINDOW_MS = 60_000

/**
 * What one peer may make a node spend on one stream protocol. Libp2p refuses streams beyond
 * the counts (per connection, each direction); a stream whose unread bytes pass
 * `maxBufferedBytes` is reset. Per peer and protocol, at most
 * `maxInboundStreams * maxBufferedBytes` bytes are in flight.
 */
export interface StreamLimits {
  /** Largest frame; its length prefix may have no more varint bytes than this needs. */
  readonly maxFrameSize: number
  readonly maxInboundStreams: number
  readonly maxOutboundStreams: number
  readonly maxBufferedBytes: number
}

/**
 * 1:1 delivery: one long-lived stream per peer (two while both ends dial at once). Unread
 * bytes hold at most the sender's unacked window (1 MiB) and the acks of ours.
 */
export const DM_STREAM_LIMITS: StreamLimits = {
  maxFrameSize: MAX_STREAM_FRAME_SIZE,
  maxInboundStreams: 4,
  maxOutboundStreams: 4,
  maxBufferedBytes: 2 * KIB * KIB,
}

/** Hole punching: one exchange of three tiny frames at a time per peer (PUNCH_*). */
export const PUNCH_STREAM_LIMITS: StreamLimits = {
  maxFrameSize: MAX_PUNCH_FRAME_SIZE,
  maxInboundStreams: 1,
  maxOutboundStreams: 1,
  maxBufferedBytes: 4 * KIB,
}

/**
 * TCP hole punching (network/tcp-punch.ts). A peer reached only through a relay may ask us
 * to connect to an address of its choosing: after PUNCH_FAILURES_PER_PEER failed punches
 * with one peer within PUNCH_FAILURE_PERIOD_MS, none with it until the oldest expires (a
 * punch that connected reached that very peer and costs nothing); MAX_CONCURRENT_PUNCHES
 * at once with anyone; each punch sends SYNs to one address for at most
 * PUNCH_CONNECT_WINDOW_MS. The exchange on the relayed stream (three frames) must finish
 * within PUNCH_EXCHANGE_TIMEOUT_MS.
 */
export const PUNCH_FAILURES_PER_PEER = 3
export const PUNCH_FAILURE_PERIOD_MS = 10 * 60_000
export const MAX_CONCURRENT_PUNCHES = 4
export const PUNCH_CONNECT_WINDOW_MS = 8_000
export const PUNCH_EXCHANGE_TIMEOUT_MS = 10_000

/** Presence: one stream per friend each way, heartbeats of a few hundred bytes. */
export const PRESENCE_STREAM_LIMITS: StreamLimits = {
  maxFrameSize: MAX_PRESENCE_FRAME_SIZE,
  maxInboundStreams: 4,
  maxOutboundStreams: 4,
  maxBufferedBytes: 64 * KIB,
}

/** Attachments: a stream per file fetched; two request windows of 16 chunks in flight. */
export const FILE_STREAM_LIMITS: StreamLimits = {
  maxFrameSize: MAX_FILE_FRAME_SIZE,
  maxInboundStreams: 16,
  maxOutboundStreams: 16,
  maxBufferedBytes: 4 * KIB * KIB,
}

/** Username directory: a shared request stream, a session stream and a claim or two. */
export const DIRECTORY_STREAM_LIMITS: StreamLimits = {
  maxFrameSize: MAX_DIRECTORY_MESSAGE_SIZE,
  maxInboundStreams: 16,
  maxOutboundStreams: 16,
  maxBufferedBytes: KIB * KIB,
}

/** Room catch-up: one request per room at a time; an answer streams up to 500 events. */
export const ROOM_SYNC_STREAM_LIMITS: StreamLimits = {
  maxFrameSize: MAX_STREAM_FRAME_SIZE,
  maxInboundStreams: 16,
  maxOutboundStreams: 16,
  maxBufferedBytes: 4 * KIB * KIB,
}

/** Room sender keys: one sealed bundle and its ack per stream. */
export const ROOM_KEYS_STREAM_LIMITS: StreamLimits = {
  maxFrameSize: MAX_ROOM_KEY_FRAME_SIZE,
  maxInboundStreams: 16,
  maxOutboundStreams: 16,
  maxBufferedBytes: 16 * KIB,
}

/**
 * The DHT (kad-dht reads its own frames; a guard checks them as they arrive): a record of
 * up to MAX_DHT_RECORD_SIZE with its key and up to 20 closer peers and their addresses.
 */
export const DHT_STREAM_LIMITS: StreamLimits = {
  maxFrameSize: 256 * KIB,
  maxInboundStreams: 32,
  maxOutboundStreams: 64,
  maxBufferedBytes: 4 * KIB * KIB,
}

/**
 * libp2p's identify and identify push, read by libp2p with `pbStream` (the same flaw as
 * kad-dht's reader): guarded at its own message limit.
 */
export const IDENTIFY_FRAME_LIMITS = { maxFrameSize: 8 * KIB } as const

/**
 * Circuit relay v2's hop and stop streams, read by libp2p with `pbStream` and no limit: one
 * message each way, then the stream carries the relayed connection's bytes, unframed.
 */
export const CIRCUIT_FRAME_LIMITS = { maxFrameSize: 16 * KIB, maxFrames: 1 } as const

/**
 * Pings (libp2p's `/ipfs/ping/1.0.0`) open at once on one connection, each way. libp2p's
 * connection monitor, the DHT's routing-table checks and callers ping independently, and
 * the monitor aborts the whole connection when its ping is refused for being one too many.
 */
export const MAX_PING_STREAMS_PER_CONNECTION = 4

/**
 * QUIC connections (quinn, under @chainsafe/libp2p-quic): streams a peer may hold open at once
 * on one connection, bytes it may send ahead of what we have read (per stream and per
 * connection: QUIC's flow-control windows), time for a handshake, and silence before a
 * connection is dropped (keep-alives every 5 s also keep a home router's UDP mapping open).
 *
 * The connection window is what any peer, a stranger included, may make us hold unread, so
 * the worst case is the connections allowed times the window. The package's 15 MB made that
 * 4.5 GB on a node (300 connections) and 15 GB on a relay (1,000 by default). 1 MiB bounds
 * it to 300 MiB and 1 GiB, and still lets one connection move 1 MiB per round trip: 20 MiB/s
 * at 50 ms. A raw QUIC stream on the lab's LAN moves ~50 MiB/s under it against ~60-70 with
 * the package's windows (doc/networking.md, "QUIC flow-control windows"); TokenIM's own file
 * transfer reaches 5-15 MiB/s there, far below either. A stream gets half, so one stream its
 * reader paused (a busy DM channel) leaves the other half to the connection's other streams.
 * The rest are the transport's own defaults, named here so that a change is a decision.
 */
export const QUIC_LIMITS = {
  maxConcurrentStreamLimit: 256,
  maxStreamData: 512 * KIB,
  maxConnectionData: 1024 * KIB,
  handshakeTimeout: 5_000,
  maxIdleTimeout: 10_000,
  keepAliveInterval: 5_000,
} as const

/** libp2p's autoNAT (8 KiB messages) and DCUtR (4 KiB), read with `pbStream`: guarded too. */
export const AUTONAT_FRAME_LIMITS = { maxFrameSize: 8 * KIB } as const
export const DCUTR_FRAME_LIMITS = { maxFrameSize: 4 * KIB } as const

/** Most devices one account's device list names. */
export const MAX_ACCOUNT_DEVICES = 16

/** Most revoked devices one device list remembers (the latest revoked). */
export const MAX_REVOKED_DEVICES = 64

/** Largest signed device list: 16 certified devices and 64 revoked ones fit (checked in a test). */
export const MAX_DEVICE_LIST_SIZE = 8 * KIB

/** Largest encoded DeviceSync (social.proto): a whole device list with its framing fits. */
export const MAX_DEVICE_SYNC_SIZE = Math.max(MAX_DEVICE_LIST_SIZE, MAX_FRIEND_PROFILE_SIZE) + 64

/**
 * Most history records a device walks back, newest first, to find the text another device of
 * the account read or deleted up to (own-device sync); one not found in them changes nothing.
 */
export const MAX_DEVICE_SYNC_SCAN = 2_000

/** Most message ids one own-device sync of a deletion names (a larger deletion sends several). */
export const MAX_DEVICE_SYNC_IDS = 256

/**
 * Most message actions (edit, recall, reaction) a node keeps waiting for their target, over
 * all conversations: an action from another device of an account may come before the text it
 * acts on (node/messaging/waiting-actions.ts). Past it the oldest waiting one is dropped.
 */
export const MAX_WAITING_ACTIONS = 1_000

/** A message action still waiting for its target after this long is dropped (at start). */
export const WAITING_ACTION_MAX_AGE_MS = 30 * 24 * 3600 * 1000

/** Largest signed device certificate. */
export const MAX_DEVICE_CERTIFICATE_SIZE = 512

/** Longest device name, UTF-8 bytes. */
export const MAX_DEVICE_NAME_SIZE = 64

/** Largest cosigned key rotation or recovery statement. */
export const MAX_KEY_STATEMENT_SIZE = 512

/**
 * Most rotation and recovery statements the key-chain resolver takes for one account: a node
 * keeps no more than this per account, so forged statements cost it a bounded amount.
 */
export const MAX_KEY_STATEMENTS = 256

/** Largest encoded recovery share (a 33-byte Shamir share of the master secret and its account). */
export const MAX_RECOVERY_SHARE_SIZE = 256

/** Most friends a recovery secret is split among. */
export const MAX_RECOVERY_FRIENDS = 16

/** Most recovery shares a node keeps for others (one per account): a new account past it is refused. */
export const MAX_KEPT_RECOVERY_SHARES = 64

/** Most recovery requests waiting for the user's answer at once; older ones are dropped first. */
export const MAX_PENDING_RECOVERY_REQUESTS = 16

/**
 * Most answered friend requests a node remembers (one per peer, node/friends/friend-sync.ts),
 * so a late copy from the mailbox is not taken again; the oldest are forgotten first.
 */
export const MAX_ANSWERED_REQUESTS = 1024

/**
 * Most key statements (rotations and recoveries) one name move may carry (the account's chain
 * from its first key): 16 statements of at most 512 bytes stay well inside one directory message.
 */
export const MAX_NAME_MOVE_ROTATIONS = 16

/**
 * Most key statements (rotations and recoveries together) one room MOVE_KEY carries: the
 * account's chain from its first key. 16 of at most 512 bytes fit a room event many times.
 */
export const MAX_ROOM_KEY_MOVE_STATEMENTS = 16

/** Most keys a node follows through the DHT's rotation statements in one look-up. */
export const MAX_KEY_ROTATION_HOPS = 16

/** Most conversations (1:1 chats and rooms) one node keeps muted. */
export const MAX_MUTED_CONVERSATIONS = 1000

/** How long a device-link code works (doc/accounts.md, "Linking a device"). */
export const LINK_CODE_TTL_MS = 10 * 60_000

/** Random bytes in a link code: the secret the new device proves it holds. */
export const LINK_SECRET_LENGTH = 16

/** Most addresses a link code carries (a relay circuit among them), so it fits a QR code. */
export const MAX_LINK_CODE_ADDRESSES = 4

/** Largest link code, decoded (four circuit addresses are about 600 bytes). */
export const MAX_LINK_CODE_SIZE = 1 * KIB

/** Wrong proofs a device takes before it voids every open code (a new code is then needed). */
export const MAX_LINK_ATTEMPTS = 5

/** Friends a link hands to the new device (each ~100 bytes: the handover frame bounds it). */
export const MAX_LINKED_FRIENDS = 1000

/** Relays a link hands to the new device. */
export const MAX_LINKED_RELAYS = 16

/** Longest wait for the person to compare and confirm the SAS on both devices. */
export const LINK_CONFIRM_TIMEOUT_MS = 3 * 60_000

/**
 * Device linking: one stream per link attempt, a few frames each way; the handover (account
 * key, certificate, device list, up to MAX_LINKED_FRIENDS friends) is the largest.
 */
export const LINK_STREAM_LIMITS: StreamLimits = {
  maxFrameSize: MAX_STREAM_FRAME_SIZE,
  maxInboundStreams: 2,
  maxOutboundStreams: 2,
  maxBufferedBytes: 2 * MAX_STREAM_FRAME_SIZE,
}

/**
 * Warn lines one log component writes a minute (network/host-logger.ts): what a flood of bad
 * input can add to a node's or relay's log; the rest are counted in one line.
 */
export const WARN_LINES_PER_MINUTE = 60

/**
 * History on a new device (doc/accounts.md, "History on a new device"): one transfer at a time
 * per asking device, on one stream; the holder sends at most HISTORY_TRANSFER_WINDOW pages
 * ahead of the asker's NEXT, so unread bytes stay within two frames and the one being read.
 */
export const HISTORY_STREAM_LIMITS: StreamLimits = {
  maxFrameSize: MAX_STREAM_FRAME_SIZE,
  maxInboundStreams: 1,
  maxOutboundStreams: 1,
  maxBufferedBytes: 3 * MAX_STREAM_FRAME_SIZE,
}

/** Most records one page of a history transfer carries (and at most one frame of bytes). */
export const MAX_HISTORY_TRANSFER_ITEMS = 200

/** Pages the holder sends before the asker said the first of them is stored. */
export const HISTORY_TRANSFER_WINDOW = 2

/**
 * Most bytes one history request is answered with; the asker asks again (within
 * HISTORY_TRANSFER_ASKS_PER_MINUTE) from where it stopped for more.
 */
export const MAX_HISTORY_TRANSFER_BYTES = 64 * KIB * KIB

/** Bytes per second a holder sends at most on one history transfer. */
export const HISTORY_TRANSFER_BYTES_PER_SECOND = 16 * KIB * KIB

/** History requests one device of the account may start per minute (resumes included). */
export const HISTORY_TRANSFER_ASKS_PER_MINUTE = 6

/** Longest wait for the other device's next frame during a history transfer (ms). */
export const HISTORY_TRANSFER_IDLE_MS = 30_000

/** node.log of a node run with --detach is rotated past this size (node/node-log.ts). */
export const NODE_LOG_MAX_BYTES = 10 * 1024 * 1024
/** node.log and its rotated files (node.log.1 the newest); the oldest beyond are deleted. */
export const NODE_LOG_FILES = 5

/** Peer store records a node holds in memory over its datastore (node/peer-record-cache.ts). */
export const PEER_RECORD_CACHE_ENTRIES = 4096

/**
 * Longest a peer store record whose content did not change goes without being written again
 * (ms): only its `updated` time moved, which libp2p sets on every stream.
 */
export const PEER_RECORD_REWRITE_MS = 10 * 60_000
