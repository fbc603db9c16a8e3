/**
 * Samples the process's memory and CPU once a second. Every node of a simulation lives in
 * this one process, so per-node memory is an estimate: the growth of RSS and heap from
 * before the network started to once it is up, divided by the number of nodes and relays.
 */

export interface ResourceSample {
  /** When it was taken, wall-clock ms (results move it onto the simulation's clock). */
  at: number
  rssMb: number
  heapUsedMb: number
  /** CPU used since the previous sample, in % of one core (200 = both cores of two). */
  cpuPercent: number
}

export class ResourceSampler {
  readonly samples: ResourceSample[] = []
  private timer?: NodeJS.Timeout
  private lastCpu = process.cpuUsage()
  private lastAt = performance.now()

  start(intervalMs = 1_000): void {
    this.sample()
    this.timer = setInterval(() => this.sample(), intervalMs)
    this.timer.unref()
  }

  stop(): void {
    clearInterval(this.timer)
    this.sample()
  }

  sample(): ResourceSample {
    const memory = process.memoryUsage()
    const cpu = process.cpuUsage(this.lastCpu)
    const now = performance.now()
    const elapsedMs = Math.max(1, now - this.lastAt)
    this.lastCpu = process.cpuUsage()
    this.lastAt = now
    const sample = {
      at: Date.now(),
      rssMb: memory.rss / 1_048_576,
      heapUsedMb: memory.heapUsed / 1_048_576,
      cpuPercent: ((cpu.user + cpu.system) / 1_000 / elapsedMs) * 100,
    }
    this.samples.push(sample)
    return sample
  }
}

export function memorySnapshot(): { rssMb: number; heapUsedMb: number } {
  const memory = process.memoryUsage()
  return { rssMb: memory.rss / 1_048_576, heapUsedMb: memory.heapUsed / 1_048_576 }
}
