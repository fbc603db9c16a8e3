/**
 * Whom the mailbox may leave copies for (node/devices/mailbox-recipients.ts): a friend's linked
 * device only while the newest list of its account names it, that list looked up in the DHT at
 * most once per `recheckMs` per account (lookups at the same moment shared), a failed lookup
 * letting the copy go; account keys and strangers need no lookup.
 */
import type { AbortOptions } from '@libp2p/interface'
import { describe, expect, it } from 'vitest'
import { DeviceMailboxRecipients } from '../../node/devices/index.ts'
import { generateIdentity } from '../../node/identity/index.ts'
import { bytesEqual } from '../../protocol/bytes.ts'
import { testLogger } from '../helpers/test-logger.ts'

const alice = generateIdentity().publicKey
const phone = generateIdentity().publicKey
const stranger = generateIdentity().publicKey

function recipients(dhtList: { revokesPhone: boolean; fails?: boolean }) {
  let now = 0
  let listed = [alice, phone]
  let revoked: Uint8Array[] = []
  const lookups: Array<AbortOptions> = []
  const check = new DeviceMailboxRecipients(
    {
      friendAccountOf: (device) =>
        !bytesEqual(device, alice) && listed.some((d) => bytesEqual(d, device)) ? alice : undefined,
      refresh: async (_friend, options) => {
        lookups.push(options)
        await Promise.resolve()
        if (dhtList.fails === true) throw new Error('no DHT peer answered')
        if (dhtList.revokesPhone) {
          listed = [alice]
          revoked = [phone]
        }
      },
      isRevoked: (device) => revoked.some((d) => bytesEqual(d, device)),
      log: testLogger,
      clock: () => now,
    },
    { recheckMs: 60_000, lookupTimeoutMs: 5_000 },
  )
  return { check, lookups, advance: (ms: number) => (now += ms) }
}

describe('DeviceMailboxRecipients', () => {
  it('refuses a copy for a device the list in the DHT revokes, and from then on without a lookup', async () => {
    const { check, lookups } = recipients({ revokesPhone: true })
    await expect(check.check(phone)).rejects.toMatchObject({ name: 'DeviceNoLongerListedError' })
    expect(lookups).toHaveLength(1)
    expect(check.refused(phone)).toBe(true)
    await expect(check.check(phone)).rejects.toMatchObject({ name: 'DeviceNoLongerListedError' })
    expect(lookups).toHaveLength(1)
  })

  it('looks an account up once per interval, sharing a lookup under way', async () => {
    const { check, lookups, advance } = recipients({ revokesPhone: false })
    await Promise.all([check.check(phone), check.check(phone)])
    expect(lookups).toHaveLength(1)
    expect(lookups[0]?.signal).toBeInstanceOf(AbortSignal)
    advance(59_999)
    await check.check(phone)
    expect(lookups).toHaveLength(1)
    advance(1)
    await check.check(phone)
    expect(lookups).toHaveLength(2)
  })

  it('lets the copy go when the lookup fails; no lookup for account keys and strangers', async () => {
    const { check, lookups } = recipients({ revokesPhone: true, fails: true })
    await check.check(phone)
    expect(lookups).toHaveLength(1)
    await check.check(alice)
    await check.check(stranger)
    expect(lookups).toHaveLength(1)
    expect(check.refused(phone)).toBe(false)
  })
})
