import { describe, expect, it } from 'vitest'
import { avatarDataUrl, avatarFromDataUrl, checkAvatar } from '../../protocol/avatar-image.ts'
import { signRecord } from '../../protocol/codec.ts'
import { generateEd25519KeyPair } from '../../protocol/crypto/index.ts'
import {
  newerProfile,
  openFriendProfile,
  signFriendProfile,
} from '../../protocol/friend-profile.ts'
import { FRIEND_PROFILE_DOMAIN } from '../../protocol/ids.ts'
import {
  MAX_AVATAR_DIMENSION,
  MAX_AVATAR_SIZE,
  MAX_FRIEND_DISPLAY_NAME_LENGTH,
  MAX_FRIEND_PROFILE_SIZE,
  MAX_SOCIAL_PAYLOAD_SIZE,
} from '../../protocol/limits.ts'
import { FriendProfile } from '../../protocol/proto/social.ts'
import { decodeFriendMessage, encodeFriendMessage } from '../../protocol/social.ts'
import { jpegHeader, solidPng, webpHeader } from '../helpers/avatar-images.ts'

const bob = generateEd25519KeyPair()
const zeroId = new Uint8Array(16)

/** A PNG just under the avatar size limit: random pixels do not compress. */
function largestPng(): Uint8Array {
  const side = Math.floor(Math.sqrt(MAX_AVATAR_SIZE / 3.2))
  const png = solidPng(side, side, [0, 0, 0], true)
  expect(png.length).toBeLessThanOrEqual(MAX_AVATAR_SIZE)
  return png
}

describe('avatar images', () => {
  it('tells PNG, JPEG and WebP apart by their bytes and reads their size', () => {
    expect(checkAvatar(solidPng(96, 64))).toEqual({ type: 'image/png', width: 96, height: 64 })
    expect(checkAvatar(jpegHeader(40, 30))).toEqual({ type: 'image/jpeg', width: 40, height: 30 })
    expect(checkAvatar(webpHeader(96, 96))).toEqual({ type: 'image/webp', width: 96, height: 96 })
  })

  it.each([
    ['a GIF', new Uint8Array(Buffer.from('GIF89a\x10\x00\x10\x00'))],
    ['text', new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>')],
    ['empty bytes', new Uint8Array(0)],
    ['a PNG too wide', solidPng(MAX_AVATAR_DIMENSION + 1, 10)],
    ['a JPEG too tall', jpegHeader(10, MAX_AVATAR_DIMENSION + 1)],
    ['a WebP too large', webpHeader(500, 500)],
    ['a JPEG without a frame', new Uint8Array([0xff, 0xd8, 0xff, 0xda, 0, 2, 0xff, 0xd9])],
    ['too many bytes', new Uint8Array(MAX_AVATAR_SIZE + 1).fill(7)],
  ])('refuses %s with InvalidAvatarError', (_what, bytes) => {
    expect(() => checkAvatar(bytes)).toThrow(
      expect.objectContaining({ name: 'InvalidAvatarError' }),
    )
  })

  it('goes to a data URL and back, and refuses a URL whose label lies', () => {
    const png = solidPng(8, 8)
    const url = avatarDataUrl(png)
    expect(url.startsWith('data:image/png;base64,')).toBe(true)
    expect(avatarFromDataUrl(url)).toEqual(png)
    const lying = url.replace('image/png', 'image/jpeg')
    expect(() => avatarFromDataUrl(lying)).toThrow(
      expect.objectContaining({ name: 'InvalidAvatarError' }),
    )
    expect(() => avatarFromDataUrl('data:image/svg+xml;base64,AAAA')).toThrow(
      expect.objectContaining({ name: 'InvalidAvatarError' }),
    )
  })
})

describe('friend profile records', () => {
  it('opens what it signed: the name, the avatar and its type, and the signing account', () => {
    const avatar = solidPng(96, 96)
    const record = signFriendProfile(bob, { version: 5, displayName: 'Bob Wang 王', avatar })
    const opened = openFriendProfile(record)
    expect(opened).toEqual({
      account: bob.publicKey,
      version: 5,
      displayName: 'Bob Wang 王',
      avatar,
      avatarType: 'image/png',
    })
    expect(openFriendProfile(signFriendProfile(bob, { version: 1, displayName: '' }))).toEqual({
      account: bob.publicKey,
      version: 1,
      displayName: '',
    })
  })

  it('fits the largest profile in one friend message', () => {
    const record = signFriendProfile(bob, {
      version: Number.MAX_SAFE_INTEGER,
      displayName: '王'.repeat(MAX_FRIEND_DISPLAY_NAME_LENGTH),
      avatar: largestPng(),
    })
    expect(record.length).toBeLessThanOrEqual(MAX_FRIEND_PROFILE_SIZE)
    const payload = encodeFriendMessage({
      type: 'profile',
      requestId: zeroId,
      note: '',
      name: '',
      profile: record,
    })
    expect(payload.length).toBeLessThanOrEqual(MAX_SOCIAL_PAYLOAD_SIZE)
    expect(decodeFriendMessage(payload).profile).toEqual(record)
  })

  it('refuses a forged record: its bytes changed after signing', () => {
    const record = signFriendProfile(bob, { version: 2, displayName: 'Bob' })
    const forged = Uint8Array.from(record)
    const at = Buffer.from(forged).indexOf(Buffer.from('Bob'))
    forged[at] = 'R'.charCodeAt(0)
    expect(() => openFriendProfile(forged)).toThrow(
      expect.objectContaining({ name: 'InvalidSignatureError' }),
    )
  })

  it('refuses a signed record with an oversized avatar, a long name or a zero version', () => {
    const sign = (value: { version: number; displayName: string; avatar?: Uint8Array }) =>
      signRecord(
        bob,
        FriendProfile.encode({
          version: value.version,
          displayName: value.displayName,
          avatar: (value.avatar ?? new Uint8Array(0)) as FriendProfile['avatar'],
        }),
        FRIEND_PROFILE_DOMAIN,
      )
    expect(() =>
      openFriendProfile(sign({ version: 1, displayName: '', avatar: solidPng(200, 200) })),
    ).toThrow(expect.objectContaining({ name: 'InvalidAvatarError' }))
    expect(() => openFriendProfile(sign({ version: 1, displayName: 'x'.repeat(65) }))).toThrow(
      expect.objectContaining({ name: 'MalformedMessageError' }),
    )
    expect(() => openFriendProfile(sign({ version: 0, displayName: 'x' }))).toThrow(
      expect.objectContaining({ name: 'MalformedMessageError' }),
    )
    const huge = sign({
      version: 1,
      displayName: '',
      avatar: new Uint8Array(MAX_FRIEND_PROFILE_SIZE),
    })
    expect(() => openFriendProfile(huge)).toThrow(
      expect.objectContaining({ name: 'OversizedMessageError' }),
    )
  })

  it('signing refuses what opening would refuse', () => {
    expect(() =>
      signFriendProfile(bob, { version: 1, displayName: '', avatar: new Uint8Array([1, 2, 3]) }),
    ).toThrow(expect.objectContaining({ name: 'InvalidAvatarError' }))
    expect(() => signFriendProfile(bob, { version: 1, displayName: 'a\u0007b' })).toThrow(
      expect.objectContaining({ name: 'MalformedMessageError' }),
    )
  })

  it('keeps the higher version, takes the same record again as nothing, refuses the rest', () => {
    const v1 = { version: 1, record: signFriendProfile(bob, { version: 1, displayName: 'a' }) }
    const v2 = { version: 2, record: signFriendProfile(bob, { version: 2, displayName: 'b' }) }
    const other2 = { version: 2, record: signFriendProfile(bob, { version: 2, displayName: 'c' }) }
    expect(newerProfile(undefined, v1)).toBe('newer')
    expect(newerProfile(v1, v2)).toBe('newer')
    expect(newerProfile(v2, v2)).toBe('same')
    expect(newerProfile(v2, v1)).toBe('refused')
    expect(newerProfile(v2, other2)).toBe('refused')
  })

  it('a friend message carries a profile only on its own kind', () => {
    const record = signFriendProfile(bob, { version: 1, displayName: 'b' })
    expect(() =>
      encodeFriendMessage({ type: 'profile', requestId: zeroId, note: '', name: '' }),
    ).toThrow(expect.objectContaining({ name: 'MalformedMessageError' }))
    expect(() =>
      encodeFriendMessage({
        type: 'remove',
        requestId: zeroId,
        note: '',
        name: '',
        profile: record,
      }),
    ).toThrow(expect.objectContaining({ name: 'MalformedMessageError' }))
  })
})
