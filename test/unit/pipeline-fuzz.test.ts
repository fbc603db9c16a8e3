import { describe, expect, it } from 'vitest'
import { type PipelineFuzzReport, runPipelineFuzz } from '../fuzz/pipeline-fuzz.ts'

const SEEDS = Array.from({ length: 8 }, (_, i) => i + 1)
const STEPS = 80

describe('message pipeline interaction fuzzing', () => {
  it.each(SEEDS)(
    'seed %i: every text and copy shown once on each device, in order, and seen delivered, whatever the network and the disk did',
    async (seed) => {
      const report = await runPipelineFuzz({ seed, steps: STEPS })
      expect(report.sent).toBeGreaterThan(0)
      expect(report.deliveries).toBeGreaterThan(0)
    },
  )

  it('covers bundles, losses, lost acks, duplicates, the mailbox, restarts and write faults across the seeds', async () => {
    const reports: PipelineFuzzReport[] = []
    for (const seed of SEEDS.slice(0, 3))
      reports.push(await runPipelineFuzz({ seed, steps: STEPS }))
    const covered = [
      'copies',
      'bundles',
      'lostEnvelopes',
      'lostAcks',
      'duplicates',
      'collected',
      'restarts',
      'writeFaults',
      'failedSends',
    ] as const
    const total = (key: (typeof covered)[number]) =>
      reports.reduce((sum, report) => sum + report[key], 0)
    for (const key of covered) {
      expect(total(key), key).toBeGreaterThan(0)
    }
  })
})
