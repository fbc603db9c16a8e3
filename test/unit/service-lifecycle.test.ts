/**
 * A service's lifecycle: work is refused while stopped, stop() aborts the signal and waits
 * for tracked work and exclusive sections, exclusive sections run one at a time, and two
 * stop() calls share one shutdown.
 */
import { describe, expect, it } from 'vitest'
import { ServiceLifecycle } from '../../node/service-lifecycle.ts'

class NotRunningError extends Error {
  override name = 'NotRunningError'
}

function lifecycle(): ServiceLifecycle {
  return new ServiceLifecycle(() => new NotRunningError('not running'))
}

/** A promise settled from outside. */
function latch(): { promise: Promise<void>; open(): void } {
  let open = (): void => undefined
  const promise = new Promise<void>((resolve) => {
    open = () => resolve()
  })
  return { promise, open: () => open() }
}

describe('ServiceLifecycle', () => {
  it('refuses work and signals while stopped, accepts them while running', async () => {
    const service = lifecycle()
    expect(service.running).toBe(false)
    await expect(service.track(async () => 1)).rejects.toThrow(NotRunningError)
    expect(() => service.signal()).toThrow(NotRunningError)
    expect(service.start()).toBe(true)
    expect(service.start()).toBe(false)
    await expect(service.track(async () => 1)).resolves.toBe(1)
    await service.stop()
    expect(service.running).toBe(false)
    await expect(service.track(async () => 1)).rejects.toThrow(NotRunningError)
  })

  it('stop() aborts the signal, then waits for tracked work', async () => {
    const service = lifecycle()
    service.start()
    const signal = service.signal()
    const done: string[] = []
    const work = latch()
    void service.track(async () => {
      await work.promise
      done.push('tracked')
    })
    let beforeWait = false
    const stopped = service
      .stop(() => {
        beforeWait = signal.aborted
      })
      .then(() => done.push('stopped'))
    expect(signal.aborted).toBe(true)
    expect(signal.reason).toBeInstanceOf(NotRunningError)
    expect(beforeWait).toBe(true)
    work.open()
    await stopped
    expect(done).toEqual(['tracked', 'stopped'])
  })

  it('stop() awaits an async beforeWait, and a second stop() waits for it too', async () => {
    const service = lifecycle()
    service.start()
    const closing = latch()
    const done: string[] = []
    const one = service
      .stop(async () => {
        await closing.promise
        done.push('closed')
      })
      .then(() => done.push('one'))
    const two = service.stop().then(() => done.push('two'))
    await Promise.resolve()
    expect(done).toEqual([])
    closing.open()
    await Promise.all([one, two])
    expect(done).toEqual(['closed', 'one', 'two'])
  })

  it('stop() waits for the exclusive section under way and those queued before it', async () => {
    const service = lifecycle()
    service.start()
    const done: string[] = []
    const first = latch()
    void service.exclusive(async () => {
      await first.promise
      done.push('first')
    })
    void service.exclusive(async () => {
      done.push('second')
    })
    const stopped = service.stop().then(() => done.push('stopped'))
    first.open()
    await stopped
    expect(done).toEqual(['first', 'second', 'stopped'])
  })

  it('runs exclusive sections one at a time, in call order, past a failing one', async () => {
    const service = lifecycle()
    const order: string[] = []
    const slow = latch()
    const a = service.exclusive(async () => {
      order.push('a starts')
      await slow.promise
      order.push('a ends')
    })
    const b = service.exclusive(async () => {
      order.push('b')
      throw new Error('b fails')
    })
    const c = service.exclusive(async () => order.push('c'))
    slow.open()
    await a
    await expect(b).rejects.toThrow('b fails')
    await c
    expect(order).toEqual(['a starts', 'a ends', 'b', 'c'])
  })

  it('two stop() calls share one shutdown; a new start() runs again', async () => {
    const service = lifecycle()
    service.start()
    const work = latch()
    void service.track(() => work.promise)
    let calls = 0
    const one = service.stop(() => {
      calls++
    })
    const two = service.stop(() => {
      calls++
    })
    let twoDone = false
    void two.then(() => {
      twoDone = true
    })
    await Promise.resolve()
    expect(twoDone).toBe(false)
    work.open()
    await Promise.all([one, two])
    expect(calls).toBe(1)
    expect(service.start()).toBe(true)
    expect(service.signal().aborted).toBe(false)
  })
})
