import { describe, expect, it } from 'vitest'
import { signRecord } from '../../protocol/codec.ts'
import { generateEd25519KeyPair } from '../../protocol/crypto/index.ts'
import { SESSION_ANNOUNCEMENT_DOMAIN } from '../../protocol/ids.ts'
import { SessionAnnouncement } from '../../protocol/proto/session-announcement.ts'
import {
  openSessionAnnouncement,
  openSessionNotice,
  signSessionAnnouncement,
  signSessionNotice,
} from '../../protocol/session-records.ts'

const relay = generateEd25519KeyPair()
const otherRelay = generateEd25519KeyPair()
const alice = generateEd25519KeyPair()
const NOW = 1_800_000_000_000

describe('session records', () => {
  it('open an announcement only as its own identity signed it', () => {
    const opened = openSessionAnnouncement(
      signSessionAnnouncement(alice, {
        counter: 3n,
        timestampMs: NOW,
        multiaddrs: ['/ip4/192.0.2.1/tcp/4001'],
      }),
    )
    expect(opened.counter).toBe(3n)
    expect(opened.multiaddrs).toEqual(['/ip4/192.0.2.1/tcp/4001'])
    // Mallory signs an announcement that names alice's key.
    const mallory = generateEd25519KeyPair()
    const forged = signRecord(
      mallory,
      SessionAnnouncement.encode({
        publicKey: alice.publicKey as SessionAnnouncement['publicKey'],
        counter: 99n,
        timestampMs: BigInt(NOW),
        multiaddrs: [],
      }),
      SESSION_ANNOUNCEMENT_DOMAIN,
    )
    expect(() => openSessionAnnouncement(forged)).toThrow(
      expect.objectContaining({ name: 'UntrustedRecordError' }),
    )
  })

  it('open a relay notice only from that relay and for the same identity', () => {
    const announcement = signSessionAnnouncement(alice, {
      counter: 7n,
      timestampMs: NOW,
      multiaddrs: [],
    })
    const notice = signSessionNotice(relay, {
      announcement,
      relayPublicKey: relay.publicKey,
      supersededCounter: 6n,
    })
    const opened = openSessionNotice(notice, relay.publicKey, alice.publicKey)
    expect(opened.announcement.counter).toBe(7n)
    expect(opened.supersededCounter).toBe(6n)
    expect(() => openSessionNotice(notice, otherRelay.publicKey, alice.publicKey)).toThrow()
    const bob = generateEd25519KeyPair()
    expect(() => openSessionNotice(notice, relay.publicKey, bob.publicKey)).toThrow(
      expect.objectContaining({ name: 'UntrustedRecordError' }),
    )
  })
})
