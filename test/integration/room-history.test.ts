/**
 * Room history pages: a page is named by its oldest message, so a message that arrives late
 * and sorts before it does not shift the pages that follow, and a page holds at most
 * MAX_HISTORY_PAGE messages however many are asked for.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { MAX_HISTORY_PAGE } from '../../protocol/limits.ts'
import { keysSettled, RoomNetwork, waitUntil } from './room-network.ts'

const network = new RoomNetwork()
const elsewhere = new RoomNetwork()
afterEach(async () => {
  await network.stopAll()
  await elsewhere.stopAll()
})

describe('room history pages', () => {
  it('do not shift when a message arrives late and sorts before the page being read', async () => {
    const owner = await network.start()
    const { roomId, invite } = await owner.rooms.create('pages')
    const alice = await network.start()
    await alice.rooms.join(invite)
    await waitUntil([owner, alice], () => keysSettled([owner, alice], roomId, 2), 'keys settled')
    await owner.rooms.send(roomId, 'm1')
    await waitUntil([owner, alice], () => alice.rooms.history(roomId).messages.length === 1, 'm1')
    const { identity, dataDir } = alice
    await alice.stop()
    for (const text of ['m2', 'm3', 'm4', 'm5', 'm6']) await owner.rooms.send(roomId, text)

    const first = owner.rooms.history(roomId, { limit: 3 })
    expect(first.messages.map((m) => m.text)).toEqual(['m4', 'm5', 'm6'])
    // Alice writes where nobody hears her: her message's place is right after m1.
    const away = await elsewhere.start({ identity, dataDir })
    const late = await away.rooms.send(roomId, 'late')
    await away.stop()
    const back = await network.start({ identity, dataDir })
    await waitUntil(
      [owner, back],
      () => owner.rooms.history(roomId).messages.some((m) => m.id === late.id),
      'the late message reached the owner',
    )

    const second = owner.rooms.history(roomId, { limit: 3, before: first.nextBefore! })
    const third = owner.rooms.history(roomId, { limit: 3, before: second.nextBefore! })
    expect(third.nextBefore).toBeNull()
    const paged = [...third.messages, ...second.messages, ...first.messages].map((m) => m.text)
    expect(paged).toEqual(owner.rooms.history(roomId).messages.map((m) => m.text))
    expect(paged.toSorted()).toEqual(['late', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6'])
  })

  it('hold at most MAX_HISTORY_PAGE messages; a cursor naming no message is refused', async () => {
    const owner = await network.start()
    const { roomId } = await owner.rooms.create('long')
    for (let i = 0; i <= MAX_HISTORY_PAGE; i++) await owner.rooms.send(roomId, `n${i}`)

    const page = owner.rooms.history(roomId, { limit: 10 * MAX_HISTORY_PAGE })
    expect(page.messages).toHaveLength(MAX_HISTORY_PAGE)
    expect(page.messages.at(-1)?.text).toBe(`n${MAX_HISTORY_PAGE}`)
    const rest = owner.rooms.history(roomId, {
      limit: 10 * MAX_HISTORY_PAGE,
      before: page.nextBefore!,
    })
    expect(rest.messages.map((m) => m.text)).toEqual(['n0'])
    expect(rest.nextBefore).toBeNull()
    expect(() => owner.rooms.history(roomId, { before: 'f'.repeat(64) })).toThrow(
      expect.objectContaining({ name: 'RoomHistoryCursorError' }),
    )
  })
})
