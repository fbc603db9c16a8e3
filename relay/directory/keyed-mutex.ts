/**
 * Mutual exclusion per key: claims on the same name skeleton (or by the same owner) run one
 * after another, claims on different names run side by side.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>()

  /** Runs `task` while holding every key; keys are taken in sorted order, so no deadlock. */
  async runExclusive<T>(keys: string[], task: () => Promise<T>): Promise<T> {
    const sorted = [...new Set(keys)].sort()
    const releases: Array<() => void> = []
    try {
      for (const key of sorted) releases.push(await this.acquire(key))
      return await task()
    } finally {
      for (const release of releases.reverse()) release()
    }
  }

  /** Keys currently held or waited for (for tests and leak checks). */
  get size(): number {
    return this.tails.size
  }

  private async acquire(key: string): Promise<() => void> {
    const previous = this.tails.get(key) ?? Promise.resolve()
    let release!: () => void
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    const tail = previous.then(() => held)
    this.tails.set(key, tail)
    await previous
    return () => {
      release()
      if (this.tails.get(key) === tail) this.tails.delete(key)
    }
  }
}
