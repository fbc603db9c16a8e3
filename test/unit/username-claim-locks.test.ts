import { describe, expect, it } from 'vitest'
import { KeyedMutex } from '../../relay/directory/keyed-mutex.ts'

/** A promise and the function that resolves it, for steering tasks by hand. */
function gate(): { opened: Promise<void>; open(): void } {
  let open!: () => void
  const opened = new Promise<void>((resolve) => {
    open = resolve
  })
  return { opened, open }
}

describe('KeyedMutex (claim locks)', () => {
  it('runs tasks on one key one after another, in order', async () => {
    const mutex = new KeyedMutex()
    const events: string[] = []
    const first = gate()
    const started = gate()
    const a = mutex.runExclusive(['s:alice'], async () => {
      events.push('a start')
      started.open()
      await first.opened
      events.push('a end')
    })
    const b = mutex.runExclusive(['s:alice'], async () => {
      events.push('b')
    })
    await started.opened
    expect(events).toEqual(['a start'])
    first.open()
    await Promise.all([a, b])
    expect(events).toEqual(['a start', 'a end', 'b'])
    expect(mutex.size).toBe(0)
  })

  it('lets tasks on different keys overlap', async () => {
    const mutex = new KeyedMutex()
    const hold = gate()
    const running: string[] = []
    const a = mutex.runExclusive(['s:alice'], async () => {
      running.push('a')
      await hold.opened
    })
    const b = mutex.runExclusive(['s:bob'], async () => {
      running.push('b')
    })
    await b
    expect(running).toEqual(['a', 'b'])
    hold.open()
    await a
  })

  it('takes several keys without deadlock whatever order they are named in', async () => {
    const mutex = new KeyedMutex()
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        mutex.runExclusive(i % 2 === 0 ? ['s:x', 'o:y'] : ['o:y', 's:x'], async () => i),
      ),
    )
    expect(results).toEqual(Array.from({ length: 50 }, (_, i) => i))
    expect(mutex.size).toBe(0)
  })

  it('releases its keys when a task throws', async () => {
    const mutex = new KeyedMutex()
    await expect(
      mutex.runExclusive(['s:alice'], async () => {
        throw new Error('refused')
      }),
    ).rejects.toThrow('refused')
    expect(await mutex.runExclusive(['s:alice'], async () => 'next')).toBe('next')
    expect(mutex.size).toBe(0)
  })
})
