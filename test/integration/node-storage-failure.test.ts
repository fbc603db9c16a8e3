/**
 * A node whose database fails under it (here: closed while the node runs, as a failing disk
 * would refuse writes) logs what it could not write and rejects the calls that needed it,
 * but no background task ends the process with an unhandled rejection: a peer connecting
 * makes messaging retry its outbox, friends and presence react, and each failure is handled.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { Composition } from '../../node/composition.ts'
import type { TokenimNode } from '../../node/index.ts'
import type { NodeParts } from '../../node/node-parts.ts'
import type { Storage } from '../../node/storage.ts'
import { startLocalNode } from '../helpers/local-node.ts'
import { waitForEvent } from '../helpers/wait.ts'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** The node's database, closed here to make every later read and write fail. */
function storageOf(node: TokenimNode): Storage {
  return (node as unknown as { parts: Composition<NodeParts> }).parts.get('storage')
}

/** Resolves once the event loop has run every callback queued so far, rejections included. */
function drained(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

describe('a node whose database fails', () => {
  it('handles every failed write of its background work, and still stops', async () => {
    const failures: unknown[] = []
    const onFailure = (reason: unknown) => failures.push(reason)
    process.on('unhandledRejection', onFailure)
    cleanups.push(async () => void process.off('unhandledRejection', onFailure))

    // Her outbox gives up on a text at the first retry: a write the closed database refuses.
    const alice = (
      await startLocalNode(cleanups, {
        apiPort: false,
        messaging: { giveUpAfterMs: 1, retryIntervalMs: 3_600_000 },
      })
    ).node
    const bob = (await startLocalNode(cleanups, { apiPort: false })).node
    // Alice cannot reach bob yet (she knows no address of his): the text waits in her outbox.
    const sent = await alice.messages.send(bob.peerId, 'waiting for bob')
    expect(sent.state).toBe('queued')

    await storageOf(alice).close()
    const connected = waitForEvent(alice, 'peer:connected', {
      filter: (event: { data: { peerId: string } }) => event.data.peerId === bob.peerId,
    })
    await bob.host.dial(alice.host.getMultiaddrs()[0])
    await connected
    // The outbox retry that the connection started runs on bob's lane before this one, and
    // fails the same way; unhandled rejections are reported once the event loop turns.
    const retried = alice.messages.pipeline.retry(bob.host.peerId.publicKey!.raw)
    await expect(retried).rejects.toThrow(/not open/)
    await drained()
    expect(failures).toEqual([])

    // Every part is still stopped; those that needed the database log their failure.
    await alice.stop()
    await drained()
    expect(failures).toEqual([])
    await expect(alice.host.dial(bob.host.getMultiaddrs()[0])).rejects.toThrow()
  }, 60_000)
})
