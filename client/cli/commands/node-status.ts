/**
 * `tokenim stop | status`: the node running on the data dir, through its local API alone,
 * so that these load no node (client/cli/command-modules.ts).
 */
import type { Command } from 'commander'
import { API_PATHS } from '../../../protocol/local-api.ts'
import { LocalApiClient } from '../../api-client.ts'
import { NodeNotRunningError } from '../../errors.ts'
import { friendLine } from '../friend-lines.ts'
import { t } from '../i18n/i18n.ts'
import { type CommonOptions, withCommonOptions } from '../options.ts'
import { printResult } from '../output.ts'

export function registerNodeStatusCommands(program: Command): void {
  withCommonOptions(program.command('stop'))
    .description('stop the node running on the data dir')
    .action(async (options: CommonOptions) => {
      let client: LocalApiClient
      try {
        client = await LocalApiClient.forDataDir(options.dataDir)
      } catch (err) {
        if (!(err instanceof NodeNotRunningError)) throw err
        // A node waiting, locked, for the web client has no api.json: reach it where it waits.
        // Loaded here alone: the kept address reads the data dir through the node's front door.
        const { daemonAtKeptAddress } = await import('../kept-address.ts')
        const waiting = await daemonAtKeptAddress(options.dataDir)
        if (!waiting) throw err
        await waiting.post(API_PATHS.stop)
        printResult(options, { stopped: true }, [t('status.stoppingWaiting', { url: waiting.url })])
        return
      }
      await client.stop()
      printResult(options, { stopped: true, peerId: client.info.peerId }, [
        t('status.stopping', { peer: client.info.peerId }),
      ])
    })

  withCommonOptions(program.command('status'))
    .description(
      'peer id, listen addresses, connections, relays, data dir and API address of the running node, and how each friend is reached',
    )
    .action(async (options: CommonOptions) => {
      const client = await LocalApiClient.forDataDir(options.dataDir)
      const status = await client.status()
      // Served by the daemon of `tokenim start`; a node embedded elsewhere may not have it.
      const recovery = await client.recoveryStatus().catch(() => undefined)
      printResult(options, { ...status, recovery }, [
        t('status.peerId', { value: status.peerId }),
        t('status.fingerprint', { value: status.fingerprint }),
        t('status.dataDir', { value: status.dataDir }),
        t('status.api', { value: status.apiUrl ?? '' }),
        t('status.connections', { value: status.connections }),
        ...(recovery == null
          ? []
          : [
              recovery.committed
                ? t('status.recoveryCommitted')
                : t('status.recoveryMissing', { command: '"tokenim key recovery-phrase"' }),
            ]),
        status.prekeysPublished ? t('status.prekeysPublished') : t('status.prekeysNot'),
        t('status.listening'),
        ...status.listenAddresses.map((addr) => `  ${addr}`),
        ...(status.relays.length > 0 ? [t('status.relays')] : []),
        ...status.relays.map(
          (relay) =>
            `  ${relay.connected ? t('status.relayConnected') : t('status.relayReconnecting')}  ${relay.address}`,
        ),
        ...(status.friends.length > 0 ? [t('status.friends')] : []),
        ...status.friends.map((friend) => `  ${friendLine(friend)}`),
      ])
    })
}
