/**
 * A node has one mailbox collector, its messaging component: at start-up the mailbox is read
 * once, not once by messaging and once more by a loop of the mailbox's own.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { OfflineMailbox } from '../../node/mailbox/index.ts'
import { startLocalNode } from '../helpers/local-node.ts'
import { ChangeSignal } from '../helpers/wait.ts'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  vi.restoreAllMocks()
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

describe('mailbox collection at start-up', () => {
  it('collects once', async () => {
    const changes = new ChangeSignal()
    const collections: Array<{ settled: boolean }> = []
    const collect = OfflineMailbox.prototype.collect
    vi.spyOn(OfflineMailbox.prototype, 'collect').mockImplementation(function (
      this: OfflineMailbox,
      ...args
    ) {
      const collection = { settled: false }
      collections.push(collection)
      changes.notify()
      return collect.apply(this, args).finally(() => {
        collection.settled = true
        changes.notify()
      })
    })
    // Alone, the node finds no DHT peer: each query gives up after its time-out.
    await startLocalNode(cleanups, { mailbox: { queryTimeoutMs: 1_000 } })
    await changes.until(
      () => collections.length > 0 && collections.every((c) => c.settled),
      'the start-up collection',
      20_000,
    )
    expect(collections).toHaveLength(1)
  })
})
