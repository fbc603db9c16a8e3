/** Muted conversations: kept across a reopen, named strictly, bounded by MAX_MUTED_CONVERSATIONS. */
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ConversationMutes } from '../../node/conversations/mutes.ts'
import { openStorage } from '../../node/storage.ts'
import { MAX_MUTED_CONVERSATIONS } from '../../protocol/limits.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function storageDir(): Promise<string> {
  const dir = await makeTempDir()
  cleanups.push(() => dir.remove())
  return join(dir.path, 'db')
}

describe('ConversationMutes', () => {
  it('mutes and unmutes, and the list survives a reopen', async () => {
    const path = await storageDir()
    const first = await openStorage(path)
    const mutes = new ConversationMutes(first.sublevel('conversations'))
    await mutes.set('direct:12D3KooWabc', true)
    await mutes.set('room:abc123', true)
    expect(await mutes.set('direct:12D3KooWabc', false)).toEqual(['room:abc123'])
    await first.close()
    const second = await openStorage(path)
    cleanups.push(() => second.close())
    expect(await new ConversationMutes(second.sublevel('conversations')).list()).toEqual([
      'room:abc123',
    ])
  })

  it('refuses a name that is no conversation, and more than the limit', async () => {
    const storage = await openStorage(await storageDir())
    cleanups.push(() => storage.close())
    const mutes = new ConversationMutes(storage.sublevel('conversations'))
    await expect(mutes.set('friend:x', true)).rejects.toMatchObject({ name: 'InvalidMuteError' })
    for (let i = 0; i < MAX_MUTED_CONVERSATIONS; i++) await mutes.set(`room:r${i}`, true)
    await expect(mutes.set('room:onemore', true)).rejects.toMatchObject({
      name: 'InvalidMuteError',
    })
    // Unmuting still works at the limit.
    expect(await mutes.set('room:r0', false)).toHaveLength(MAX_MUTED_CONVERSATIONS - 1)
  })
})
