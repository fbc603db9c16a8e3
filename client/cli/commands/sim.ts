/** `tokenim sim run scenario.yaml` (a network on this machine or several: numbers and plots) and `tokenim sim shard`. */
import type { Command } from 'commander'
import {
  ExpectationFailedError,
  parseEndpoint,
  runRemoteShard,
  runScenarioFile,
  type ScenarioProgress,
  summarizeShards,
} from '../../../sim/index.ts'
import { t } from '../i18n/i18n.ts'
import { printResult } from '../output.ts'
import { usageError, worded } from '../worded-errors.ts'

interface SimRunOptions {
  out?: string
  json?: boolean
  listen?: string
  host?: string
}

/** The secret a shard shows to join a run, shared through the environment (not argv or logs). */
const TOKEN_VARIABLE = 'TOKENIM_SIM_TOKEN'

export function registerSimCommands(program: Command): void {
  const sim = program
    .command('sim')
    .description(
      'simulate a network of relays and nodes on this machine, in one process or in shard processes (testers)',
    )

  sim
    .command('run <scenario>')
    .description(
      'run a scenario file; writes results.json, report.html and junit.xml; exits 2 if an expectation fails',
    )
    .option(
      '--out <dir>',
      'where results.json, report.html and junit.xml go (default: sim-results/<name>-<time>)',
    )
    .option('--json', 'print the results summary as JSON')
    .option(
      '--listen <address>',
      'network.remote.listen: where shards from other machines join (host:port or socket path)',
    )
    .option('--host <ipv4>', "network.remote.host: this machine's address the shards reach")
    .action(async (scenarioPath: string, options: SimRunOptions) => {
      const bar = process.stderr.isTTY ? new ProgressBar() : new ProgressLines()
      const stamp = new Date().toISOString().replace(/[:.]/g, '-')
      const outDir = options.out ?? `sim-results/${scenarioName(scenarioPath)}-${stamp}`
      const givenToken = process.env[TOKEN_VARIABLE]
      const run = await runScenarioFile(scenarioPath, {
        outDir,
        remote: { listen: options.listen, host: options.host },
        shardToken: givenToken,
        onShardsAwaited: ({ endpoint, token, count }) => {
          const secret = givenToken == null ? `${TOKEN_VARIABLE}=${token} ` : ''
          bar.clear()
          process.stderr.write(
            `${t('sim.awaiting', { count, endpoint, command: `${secret}tokenim sim shard --coordinator ${endpoint} --host` })}\n`,
          )
        },
        onProgress: (progress) => bar.update(progress),
      }).finally(() => bar.clear())
      const { results } = run
      const failed = results.expectations.filter((e) => !e.passed)
      const summary = {
        passed: results.passed,
        scenario: results.scenario.name,
        results: run.resultsPath,
        report: run.reportPath,
        junit: run.junitPath,
        direct: {
          sent: results.direct.sent,
          delivered: results.direct.delivered,
          lost: results.direct.lost,
          duplicates: results.direct.duplicates,
          outOfOrder: results.direct.outOfOrder,
          p50Ms: results.direct.latency.p50,
          p99Ms: results.direct.latency.p99,
        },
        room: results.room && {
          sent: results.room.sent,
          delivered: results.room.delivered,
          p99Ms: results.room.latency.p99,
        },
        failedExpectations: failed,
      }
      printResult(options, summary, [
        t(results.passed ? 'sim.passed' : 'sim.failed', { name: results.scenario.name }),
        ...results.expectations.map((e) =>
          t(e.passed ? 'sim.expectationOk' : 'sim.expectationFailed', e),
        ),
        t('sim.direct', {
          ...results.direct,
          p50: ms(results.direct.latency.p50),
          p99: ms(results.direct.latency.p99),
        }),
        ...(results.room == null
          ? []
          : [t('sim.room', { ...results.room, p99: ms(results.room.latency.p99) })]),
        t('sim.links', results.links),
        t(results.shards.length > 0 ? 'sim.memoryWithHarness' : 'sim.memory', {
          peak: results.memory.peakRssMb.toFixed(0),
          perNode: results.memory.perNodeRssMb.toFixed(1),
        }),
        ...summarizeShards(results.shards).map((s) =>
          t('sim.shard', {
            shard: s.shard,
            running: s.running,
            peak: s.peakRssMb.toFixed(0),
            cpu: s.meanCpuPercent.toFixed(0),
            loop: s.meanEventLoopPercent.toFixed(0),
          }),
        ),
        t('sim.results', { path: run.resultsPath }),
        t('sim.report', { path: run.reportPath }),
        t('sim.junit', { path: run.junitPath }),
      ])
      if (!results.passed) {
        throw worded(
          (message) => new ExpectationFailedError(message),
          'errors.expectationsFailed',
          {
            count: failed.length,
            list: failed.map((e) => `${e.name} (${e.detail})`).join('; '),
          },
        )
      }
    })
  registerShardCommand(sim)
}

interface SimShardOptions {
  coordinator: string
  host: string
  wait: string
}

function registerShardCommand(sim: Command): void {
  sim
    .command('shard')
    .description(
      `hold part of a simulation's nodes for a coordinator on another machine (sim run with network.remote); the token comes from ${TOKEN_VARIABLE}`,
    )
    .requiredOption(
      '--coordinator <address>',
      'host:port (or socket path) the coordinator listens on',
    )
    .requiredOption('--host <ipv4>', "this machine's address the other shards and relays reach")
    .option(
      '--wait <seconds>',
      'keep trying to reach a coordinator that is not listening yet for this long',
      '0',
    )
    .action(async (options: SimShardOptions) => {
      const token = process.env[TOKEN_VARIABLE]
      if (token == null || token.length === 0) {
        throw usageError('usage.simToken', { variable: TOKEN_VARIABLE })
      }
      const waitSeconds = Number(options.wait)
      if (!Number.isFinite(waitSeconds) || waitSeconds < 0) {
        throw usageError('usage.simWait', { flag: '--wait', value: String(options.wait) })
      }
      const endpoint = parseEndpoint(options.coordinator)
      const reason = await runRemoteShard(
        endpoint,
        { token, host: options.host },
        {
          waitMs: waitSeconds * 1_000,
          onJoined: () =>
            process.stderr.write(
              `${t('sim.joined', { coordinator: options.coordinator, host: options.host })}\n`,
            ),
        },
      )
      process.stderr.write(`${t('sim.done', { reason })}\n`)
    })
}

function scenarioName(path: string): string {
  return (path.split('/').pop() ?? 'scenario').replace(/\.ya?ml$/, '')
}

function ms(value: number): string {
  return Number.isFinite(value) ? `${Math.round(value)} ms` : '–'
}

/** Progress for logs and CI (no terminal): a line per phase, and one every PROGRESS_LINE_MS. */
const PROGRESS_LINE_MS = 10_000

class ProgressLines {
  private phase = ''
  private lastLineAt = 0

  update(progress: ScenarioProgress): void {
    const now = performance.now()
    if (progress.phase === this.phase && now - this.lastLineAt < PROGRESS_LINE_MS) return
    this.phase = progress.phase
    this.lastLineAt = now
    const counts =
      progress.phase === 'starting'
        ? t('sim.nodesUp', { count: progress.nodesUp })
        : t('sim.sentDelivered', progress)
    const share = progress.totalMs > 0 ? t('sim.ofTotal', { total: seconds(progress.totalMs) }) : ''
    const phase = t(`sim.phase.${progress.phase}`)
    const elapsed = seconds(progress.elapsedMs)
    process.stderr.write(`${t('sim.progress', { phase, elapsed, share, counts })}\n`)
  }

  /** Lines stay in the log: nothing to clear. */
  clear(): void {}
}

function seconds(ms: number): string {
  return `${(ms / 1_000).toFixed(0)} s`
}

/** One line on stderr, redrawn in place; only on a terminal. */
class ProgressBar {
  update(progress: ScenarioProgress): void {
    const width = 30
    const share = progress.totalMs > 0 ? Math.min(1, progress.elapsedMs / progress.totalMs) : 0
    const filled = Math.round(share * width)
    const bar =
      progress.totalMs > 0
        ? `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`
        : t('sim.barStarting')
    const counts =
      progress.phase === 'starting'
        ? `${t('sim.nodesUp', { count: progress.nodesUp })}, ${seconds(progress.elapsedMs)}`
        : t('sim.sentDelivered', progress)
    const phase = t(`sim.phase.${progress.phase}`)
    process.stderr.write(`\r\x1b[2K${phase.padEnd(8)} ${bar} ${counts}`)
  }

  clear(): void {
    process.stderr.write('\r\x1b[2K')
  }
}
