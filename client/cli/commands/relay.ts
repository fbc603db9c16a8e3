/** `tokenim relay init | start | status`: running a relay for a community. */
import { join } from 'node:path'
import { type Command, Option } from 'commander'
import {
  defaultRelayDataDir,
  initRelay,
  RELAY_CONFIG_FILE,
  reachabilityWarning,
  readRelayStatus,
  runRelay,
} from '../../../relay/index.ts'
import { stopOnFatalError } from '../fatal-errors.ts'
import { t } from '../i18n/i18n.ts'
import { printResult } from '../output.ts'

interface RelayOptions {
  dataDir: string
  json?: boolean
}

function withRelayDataDir(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--data-dir <path>',
        "the relay's data folder (or TOKENIM_RELAY_DATA_DIR)",
      ).default(defaultRelayDataDir()),
    )
    .option('--json', 'print machine-readable JSON')
}

export function registerRelayCommands(program: Command): void {
  const relay = program
    .command('relay')
    .description('run a relay: a DHT server, circuit relay and username directory')

  withRelayDataDir(relay.command('init'))
    .description('write a commented default config (relay.yaml) and a new relay key')
    .action(async (options: RelayOptions) => {
      const created = await initRelay(options.dataDir)
      printResult(options, created, [
        t('relay.created', { peer: created.peerId }),
        t('relay.config', { path: created.configPath }),
        t('relay.key', { path: created.keyPath }),
        '',
        t('relay.review', { command: `tokenim relay start --config ${created.configPath}` }),
      ])
    })

  withRelayDataDir(relay.command('start'))
    .description('run the relay in the foreground; JSON logs on stdout; SIGINT/SIGTERM stop it')
    .option('--config <file>', `the config file (default: ${RELAY_CONFIG_FILE} in the data dir)`)
    .action(async (options: RelayOptions & { config?: string }) => {
      const shutdown = new AbortController()
      for (const signal of ['SIGINT', 'SIGTERM'] as const) {
        process.on(signal, () => {
          // A second signal while shutting down means: stop now.
          if (shutdown.signal.aborted) process.exit(1)
          shutdown.abort(`received ${signal}`)
        })
      }
      const running = runRelay(options.config ?? join(options.dataDir, RELAY_CONFIG_FILE), {
        signal: shutdown.signal,
      })
      stopOnFatalError(async (reason) => {
        shutdown.abort(reason)
        await running
      })
      await running
      // Whatever a library left running must not keep a stopped relay's process alive.
      setTimeout(() => process.exit(0), 5_000).unref()
    })

  withRelayDataDir(relay.command('status'))
    .description('peer id, addresses and live counts of the relay running on the data dir')
    .action(async (options: RelayOptions) => {
      const status = await readRelayStatus(options.dataDir)
      const health = status.health
      const { pid, peerId, version, multiaddrs, startedAt, healthUrl, metricsUrl } = status
      const warning = reachabilityWarning(multiaddrs)
      printResult(
        options,
        {
          peerId,
          version,
          multiaddrs,
          connections: health?.connections ?? null,
          peers: health?.peers ?? null,
          reservations: health?.reservations ?? null,
          uptime: health?.uptime ?? null,
          ok: health?.ok ?? null,
          pid,
          startedAt,
          healthUrl,
          metricsUrl,
          warning: warning ?? null,
        },
        [
          t('relay.line', { peer: peerId, pid, version }),
          health == null
            ? t(healthUrl == null ? 'relay.healthOff' : 'relay.healthSilent')
            : t('relay.connections', health),
          metricsUrl == null ? t('relay.metricsOff') : t('relay.metrics', { url: metricsUrl }),
          t('relay.addresses', { command: 'tokenim start --relay <address>' }),
          ...multiaddrs.map((addr) => `  ${addr}`),
          ...(warning == null ? [] : ['', t('relay.warning', { warning })]),
        ],
      )
    })
}
