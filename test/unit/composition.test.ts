/**
 * The composition root: parts start in the order built and stop in exactly the reverse
 * order; stop() during start leaves nothing running and rejects start() with the "stopped"
 * error; a failed start or a part that fails to stop never leaves another part running.
 */
import { describe, expect, it } from 'vitest'
import { Composition, type PartBuilder } from '../../node/composition.ts'

class StoppedError extends Error {
  override name = 'StoppedError'
}

/** A part that records its start and stop in a shared journal; `gate` holds its start. */
class Part {
  running = false
  constructor(
    readonly name: string,
    private readonly journal: string[],
    private readonly gate?: Promise<void>,
  ) {}
  async start(): Promise<void> {
    await this.gate
    this.running = true
    this.journal.push(`start ${this.name}`)
  }
  stop(): void {
    this.running = false
    this.journal.push(`stop ${this.name}`)
  }
}

interface Parts {
  a: Part
  b: Part
  c: Part
  value: number
}

function composition(failures: string[] = []) {
  return new Composition<Parts>({
    stoppedError: () => new StoppedError('stopped while starting'),
    notStartedError: (part) => new Error(`no ${part} yet`),
    onStopFailure: (part) => failures.push(part),
  })
}

/** A gate opened from outside: start() of a part waits on it. */
function gate(): { promise: Promise<void>; open(): void } {
  let open = (): void => undefined
  const promise = new Promise<void>((resolve) => {
    open = () => resolve()
  })
  return { promise, open: () => open() }
}

async function buildAll(parts: PartBuilder<Parts>, journal: string[], held?: Promise<void>) {
  const a = await parts.add('a', () => new Part('a', journal))
  await parts.step(
    'listen',
    () => journal.push('step'),
    () => journal.push('undo step'),
  )
  await parts.add('b', () => new Part('b', journal, held))
  await parts.add('c', () => new Part('c', journal))
  return a
}

describe('Composition', () => {
  it('starts parts in the order built and stops them in reverse', async () => {
    const journal: string[] = []
    const root = composition()
    expect(root.status).toBe('new')
    await root.start((parts) => buildAll(parts, journal).then(() => undefined))
    expect(root.status).toBe('started')
    expect(root.built).toEqual(['a', 'listen', 'b', 'c'])
    expect(root.get('b').running).toBe(true)
    await root.stop()
    expect(root.status).toBe('stopped')
    expect(journal).toEqual([
      'start a',
      'step',
      'start b',
      'start c',
      'stop c',
      'stop b',
      'undo step',
      'stop a',
    ])
  })

  it('uses the lifecycle given for a part that is not Startable', async () => {
    const journal: string[] = []
    const root = composition()
    await root.start(async (parts) => {
      await parts.add('value', () => 7, {
        start: (value) => journal.push(`open ${value}`),
        stop: (value) => journal.push(`close ${value}`),
      })
    })
    expect(root.get('value')).toBe(7)
    await root.stop()
    expect(journal).toEqual(['open 7', 'close 7'])
  })

  it('throws the not-started error for a part not built, and finds nothing', async () => {
    const root = composition()
    expect(() => root.get('a')).toThrow('no a yet')
    expect(root.find('a')).toBeUndefined()
  })

  it('stop() during start waits for the part under way, stops what was built, rejects start', async () => {
    const journal: string[] = []
    const root = composition()
    const held = gate()
    const started = root.start((parts) => buildAll(parts, journal, held.promise).then(() => {}))
    // Caught at once, so an unhandled rejection would be a second, uncaught one.
    const outcome = started.then(
      () => 'started',
      (err: Error) => err.name,
    )
    while (root.find('b') == null) await new Promise((resolve) => setImmediate(resolve))
    expect(root.status).toBe('starting')
    const stopped = root.stop()
    expect(root.status).toBe('stopping')
    held.open()
    await stopped

    expect(await outcome).toBe('StoppedError')
    expect(root.status).toBe('stopped')
    // c was never built; b finished starting, then everything built stopped in reverse.
    expect(journal).toEqual(['start a', 'step', 'start b', 'stop b', 'undo step', 'stop a'])
    expect(root.find('c')).toBeUndefined()
    expect(root.get('a').running || root.get('b').running).toBe(false)
  })

  it('stop() at every point of start leaves nothing running', async () => {
    for (let turns = 0; turns < 8; turns++) {
      const journal: string[] = []
      const root = composition()
      const started = root.start((parts) => buildAll(parts, journal).then(() => {}))
      const outcome = started.then(
        () => 'started',
        (err: Error) => err.name,
      )
      for (let turn = 0; turn < turns; turn++) await Promise.resolve()
      await root.stop()
      expect(['started', 'StoppedError']).toContain(await outcome)
      for (const name of ['a', 'b', 'c'] as const) expect(root.find(name)?.running).not.toBe(true)
      // Every part started was stopped, after the last start.
      const lastStart = journal.findLastIndex((entry) => entry.startsWith('start'))
      for (const entry of journal.slice(0, lastStart + 1).filter((e) => e.startsWith('start'))) {
        expect(journal.indexOf(entry.replace('start', 'stop'))).toBeGreaterThan(lastStart)
      }
      expect(root.status).toBe('stopped')
    }
  })

  it('a whole runs once: start() after stop() rejects with the stopped error', async () => {
    const journal: string[] = []
    const root = composition()
    await root.start((parts) => buildAll(parts, journal).then(() => {}))
    await root.stop()
    journal.length = 0
    await expect(root.start((parts) => buildAll(parts, journal).then(() => {}))).rejects.toThrow(
      StoppedError,
    )
    expect(journal).toEqual([])
    expect(root.status).toBe('stopped')
    const again = composition()
    await again.stop()
    await expect(again.start((parts) => buildAll(parts, journal).then(() => {}))).rejects.toThrow(
      StoppedError,
    )
    expect(again.built).toEqual([])
    expect(again.status).toBe('stopped')
  })

  it('start() twice shares one run; stop() twice shares one shutdown', async () => {
    const journal: string[] = []
    const root = composition()
    const build = (parts: PartBuilder<Parts>) => buildAll(parts, journal).then(() => {})
    await Promise.all([root.start(build), root.start(build)])
    await Promise.all([root.stop(), root.stop()])
    expect(journal.filter((entry) => entry === 'start a')).toHaveLength(1)
    expect(journal.filter((entry) => entry === 'stop a')).toHaveLength(1)
  })

  it('a failed start stops what it built, then rejects with the failure', async () => {
    const journal: string[] = []
    const root = composition()
    const failing = root.start(async (parts) => {
      await parts.add('a', () => new Part('a', journal))
      await parts.add('b', () => {
        throw new Error('b cannot be built')
      })
    })
    await expect(failing).rejects.toThrow('b cannot be built')
    expect(journal).toEqual(['start a', 'stop a'])
    expect(root.status).toBe('stopped')
  })

  it('a part whose start fails is still stopped', async () => {
    const journal: string[] = []
    const root = composition()
    const broken = new Part('b', journal)
    broken.start = () => Promise.reject(new Error('b failed to start'))
    await expect(
      root.start(async (parts) => {
        await parts.add('a', () => new Part('a', journal))
        await parts.add('b', () => broken)
      }),
    ).rejects.toThrow('b failed to start')
    expect(journal).toEqual(['start a', 'stop b', 'stop a'])
  })

  it('a part that fails to stop is reported and the parts before it still stop', async () => {
    const journal: string[] = []
    const failures: string[] = []
    const root = composition(failures)
    await root.start(async (parts) => {
      await parts.add('a', () => new Part('a', journal))
      const b = await parts.add('b', () => new Part('b', journal))
      b.stop = () => {
        throw new Error('b cannot stop')
      }
    })
    await expect(root.stop()).resolves.toBeUndefined()
    expect(failures).toEqual(['b'])
    expect(journal).toEqual(['start a', 'start b', 'stop a'])
  })
})
