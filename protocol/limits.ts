/**
 * Size limits, in bytes unless the name says otherwise. Every decoder checks its input
 * against one of these before parsing, so a hostile peer cannot make a node buffer or
 * parse more than this. They nest: a DM plaintext fits in an envelope, an envelope fits in
 * a DHT record and in a stream frame (test/unit/codec.test.ts checks this).
 */

const KIB = 1024

/**
 * Largest length-prefixed frame accepted on any TokenIM stream; pass it as `maxDataLength`
 * to `lpStream`/`pbStream`.
 */
export const MAX_STREAM_FRAME_SIZE = 128 * KIB

/** Largest plaintext of one direct message (text, or a small inline image) before encryption. */
export const MAX_DM_PLAINTEXT_SIZE = 64 * KIB

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
