import { describe, expect, it } from 'vitest'
import { runRatchetFuzz } from '../fuzz/ratchet-fuzz.ts'

const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1)
const STEPS = 120

describe('ratchet interaction fuzzing', () => {
  it.each(SEEDS)(
    'seed %i: every delivery reads exactly what was sent, every replay is refused',
    (seed) => {
      const report = runRatchetFuzz({ seed, steps: STEPS })
      // The schedule must have exercised what it claims to, with no message lost to key caps.
      expect(report.delivered).toBeGreaterThan(0)
      expect(report.delivered + report.dropped + report.lostToKeyCap).toBe(report.sent)
      expect(report.lostToKeyCap).toBe(0)
    },
  )

  it('covers reorders, losses, duplicates, altered copies, misdeliveries and restarts across the seeds', () => {
    const reports = SEEDS.slice(0, 5).map((seed) => runRatchetFuzz({ seed, steps: STEPS }))
    const total = (
      key: 'dropped' | 'duplicatesRefused' | 'alteredRefused' | 'misdeliveredRefused' | 'restarts',
    ) => reports.reduce((sum, report) => sum + report[key], 0)
    expect(total('misdeliveredRefused')).toBeGreaterThan(0)
    expect(total('dropped')).toBeGreaterThan(0)
    expect(total('duplicatesRefused')).toBeGreaterThan(0)
    expect(total('alteredRefused')).toBeGreaterThan(0)
    expect(total('restarts')).toBeGreaterThan(0)
  })
})
