/**
 * Presence's bookkeeping of friends' accounts (node/presence/account-links.ts): devices to
 * dial come from the account's list (its key alone without one), the dial cursor moves past a
 * device that failed or dropped, a device of no friend's list is not followed, and what the
 * account shows per device.
 */
import { describe, expect, it } from 'vitest'
import { generateIdentity, peerIdOf } from '../../node/identity/index.ts'
import { AccountDial, AccountLinks } from '../../node/presence/account-links.ts'
import { bytesEqual } from '../../protocol/bytes.ts'

const alice = generateIdentity().publicKey
const phone = generateIdentity().publicKey
const tablet = generateIdentity().publicKey
const stranger = generateIdentity().publicKey

function links(listed: Uint8Array[] | undefined) {
  const names = new Map([
    [alice, 'laptop'],
    [phone, 'phone'],
    [tablet, 'tablet'],
  ])
  return new AccountLinks(
    {
      isFriend: (peer) => bytesEqual(peer, alice),
      accountOf: (device) => (listed?.some((d) => bytesEqual(d, device)) ? alice : undefined),
      devicesOf: (account) =>
        bytesEqual(account, alice)
          ? listed?.map((key) => ({ key, name: names.get(key) ?? '' }))
          : undefined,
    },
    1_000,
  )
}

describe('AccountLinks', () => {
  it('dials the devices of the list, or the account key alone while no list is held', () => {
    expect(links(undefined).devicesOf(alice)).toEqual([alice])
    expect(links([alice, phone, tablet]).devicesOf(alice)).toEqual([alice, phone, tablet])
    expect(links([alice, phone, tablet]).indexOf(alice, tablet)).toBe(2)
    expect(links([alice, phone]).indexOf(alice, tablet)).toBe(-1)
  })

  it('takes a listed device as its account, and no one else', () => {
    const accounts = links([alice, phone])
    expect(accounts.accountOf(alice)).toEqual(alice)
    expect(accounts.accountOf(phone)).toEqual(alice)
    expect(accounts.accountOf(tablet)).toBeUndefined()
    expect(accounts.accountOf(stranger)).toBeUndefined()
  })

  it('lets go of a device a newer list no longer names, and of a friendship ended', () => {
    let listed = [alice, phone, tablet]
    const accounts = new AccountLinks(
      {
        isFriend: (peer) => bytesEqual(peer, alice),
        accountOf: (device) => (listed.some((d) => bytesEqual(d, device)) ? alice : undefined),
      },
      1_000,
    )
    accounts.link(alice)
    accounts.link(phone, alice)
    accounts.link(tablet, alice)
    expect(accounts.unlisted()).toEqual([])
    listed = [alice, tablet]
    expect(accounts.unlisted().map((link) => link.key)).toEqual([phone])
    accounts.delete(accounts.unlisted()[0]!.hex)
    expect(accounts.forgetAccount(accounts.link(alice).accountHex)).toHaveLength(2)
  })

  it('shows each listed device, the account online while any is', () => {
    const accounts = links([alice, phone])
    accounts.link(alice)
    const phoneLink = accounts.link(phone, alice)
    expect(accounts.seen(alice)).toMatchObject({ online: false, lastSeen: null })
    phoneLink.online = true
    phoneLink.lastSeen = 1_700_000_000_000
    expect(accounts.seen(alice)).toEqual({
      online: true,
      lastSeen: 1_700_000_000_000,
      devicePresence: [
        {
          peerId: peerIdOf({ publicKey: alice }).toString(),
          name: 'laptop',
          online: false,
          lastSeen: null,
        },
        {
          peerId: peerIdOf({ publicKey: phone }).toString(),
          name: 'phone',
          online: true,
          lastSeen: 1_700_000_000_000,
        },
      ],
    })
    expect(links(undefined).seen(alice)).toEqual({ online: false, lastSeen: null })
  })

  it('is not live without a stream, whatever its heartbeats said', () => {
    const accounts = links([alice, phone])
    const link = accounts.link(alice)
    link.online = true
    expect(accounts.isLive(link.accountHex)).toBe(false)
  })
})

describe('AccountDial', () => {
  it('moves past the device that failed or dropped, around the list', () => {
    const dial = new AccountDial(1_000)
    expect(dial.cursor).toBe(0)
    dial.moveOn(0, 3)
    expect(dial.cursor).toBe(1)
    dial.moveOn(2, 3)
    expect(dial.cursor).toBe(0)
    // A device no longer listed (index -1): the first of the list is next.
    dial.moveOn(-1, 3)
    expect(dial.cursor).toBe(0)
    dial.moveOn(0, 0)
    expect(dial.cursor).toBe(0)
  })
})
