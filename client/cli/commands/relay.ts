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
        `Created relay ${created.peerId}`,
        `config  ${created.configPath}`,
        `key     ${created.keyPath} (not password-protected: keep the folder private)`,
        '',
        `Review the config, then run: tokenim relay start --config ${created.configPath}`,
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
          `relay         ${peerId} (pid ${pid}, TokenIM ${version})`,
          health == null
            ? `health        ${healthUrl == null ? 'endpoint off' : 'no answer'}`
            : `connections   ${health.connections} (${health.peers} peers, ${health.reservations} reservations)`,
          `metrics       ${metricsUrl ?? 'off'}`,
          'addresses (give one to nodes: tokenim start --relay <address>)',
          ...multiaddrs.map((addr) => `  ${addr}`),
          ...(warning == null ? [] : ['', `warning: ${warning}`]),
        ],
      )
    })
}
