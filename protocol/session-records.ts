/**
 * The directory's single-session records: a node's signed session announcement (which
 * session of an identity is the newest, and where it listens) and the relay's "signed in
 * elsewhere" notice that carries a newer one. Pure code, shared by relays (which track
 * sessions, relay/directory/session-tracker.ts) and nodes (node/directory/session-guard.ts).
 *
 * Guarantees, and how they are kept:
 * - An announcement speaks only for the identity that signed it (`openSessionAnnouncement`
 *   checks the key inside against the signer), so nobody can announce a session of someone
 *   else.
 * - A notice is believed only from the relay that sent it, naming that relay, and carrying an
 *   announcement of the identity it is given to (`openSessionNotice`): neither a stranger nor
 *   another relay can sign a node out.
 * - Bounded: MAX_SESSION_ANNOUNCEMENT_SIZE bytes and MAX_ANNOUNCED_MULTIADDRS addresses, a
 *   notice twice the announcement's size, checked before decoding.
 */
import { bytesEqual } from './bytes.ts'
import { decodeMessage, openSignedRecord, signRecord } from './codec.ts'
import type { Ed25519KeyPair } from './crypto/index.ts'
import { UntrustedRecordError } from './directory-errors.ts'
import { SESSION_ANNOUNCEMENT_DOMAIN, SESSION_NOTICE_DOMAIN } from './ids.ts'
import { MAX_ANNOUNCED_MULTIADDRS, MAX_SESSION_ANNOUNCEMENT_SIZE } from './limits.ts'
import { SessionSupersededNotice } from './proto/directory.ts'
import { SessionAnnouncement } from './proto/session-announcement.ts'

export interface SessionAnnouncementFields {
  publicKey: Uint8Array
  counter: bigint
  timestampMs: number
  multiaddrs: string[]
}

export function signSessionAnnouncement(
  identity: Ed25519KeyPair,
  fields: Omit<SessionAnnouncementFields, 'publicKey'>,
): Uint8Array {
  const payload = SessionAnnouncement.encode({
    publicKey: identity.publicKey as SessionAnnouncement['publicKey'],
    counter: fields.counter,
    timestampMs: BigInt(fields.timestampMs),
    multiaddrs: fields.multiaddrs.slice(0, MAX_ANNOUNCED_MULTIADDRS),
  })
  return signRecord(identity, payload, SESSION_ANNOUNCEMENT_DOMAIN, {
    maxSize: MAX_SESSION_ANNOUNCEMENT_SIZE,
  })
}

/** Verifies an announcement: signed by the identity it announces. */
export function openSessionAnnouncement(bytes: Uint8Array): SessionAnnouncementFields {
  const opened = openSignedRecord(bytes, SESSION_ANNOUNCEMENT_DOMAIN, MAX_SESSION_ANNOUNCEMENT_SIZE)
  const announcement = decodeMessage(SessionAnnouncement, opened.payload, {
    maxSize: MAX_SESSION_ANNOUNCEMENT_SIZE,
    what: 'session announcement',
    limits: { multiaddrs: MAX_ANNOUNCED_MULTIADDRS },
  })
  if (!bytesEqual(announcement.publicKey, opened.publicKey)) {
    throw new UntrustedRecordError('the session announcement is signed by another identity')
  }
  return {
    publicKey: announcement.publicKey,
    counter: announcement.counter,
    timestampMs: Number(announcement.timestampMs),
    multiaddrs: announcement.multiaddrs,
  }
}

export interface SessionNoticeFields {
  /** The newer signed announcement. */
  announcement: Uint8Array
  relayPublicKey: Uint8Array
  supersededCounter: bigint
}

export function signSessionNotice(
  relayKey: Ed25519KeyPair,
  fields: SessionNoticeFields,
): Uint8Array {
  const payload = SessionSupersededNotice.encode({
    announcement: fields.announcement as SessionSupersededNotice['announcement'],
    relayPublicKey: fields.relayPublicKey as SessionSupersededNotice['relayPublicKey'],
    supersededCounter: fields.supersededCounter,
  })
  return signRecord(relayKey, payload, SESSION_NOTICE_DOMAIN, {
    maxSize: 2 * MAX_SESSION_ANNOUNCEMENT_SIZE,
  })
}

/**
 * Verifies a relay's "signed in elsewhere" notice for `identityPublicKey`: signed by the
 * expected relay, carrying an announcement signed by the same identity. The caller compares
 * the counter with its own.
 */
export function openSessionNotice(
  bytes: Uint8Array,
  relayPublicKey: Uint8Array,
  identityPublicKey: Uint8Array,
): { announcement: SessionAnnouncementFields; supersededCounter: bigint } {
  const opened = openSignedRecord(bytes, SESSION_NOTICE_DOMAIN, 2 * MAX_SESSION_ANNOUNCEMENT_SIZE)
  if (!bytesEqual(opened.publicKey, relayPublicKey)) {
    throw new UntrustedRecordError('the session notice is not signed by the relay that sent it')
  }
  const notice = decodeMessage(SessionSupersededNotice, opened.payload, {
    maxSize: 2 * MAX_SESSION_ANNOUNCEMENT_SIZE,
    what: 'session notice',
  })
  if (!bytesEqual(notice.relayPublicKey, relayPublicKey)) {
    throw new UntrustedRecordError('the session notice names another relay')
  }
  const announcement = openSessionAnnouncement(notice.announcement)
  if (!bytesEqual(announcement.publicKey, identityPublicKey)) {
    throw new UntrustedRecordError('the session notice carries an announcement of another identity')
  }
  return { announcement, supersededCounter: notice.supersededCounter }
}
