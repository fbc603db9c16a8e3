/**
 * `tokenim stop | status`: the node running on the data dir, through its local API alone,
 * so that these load no node (client/cli/command-modules.ts).
 */
import type { Command } from 'commander'
import { API_PATHS } from '../../../protocol/local-api.ts'
import { LocalApiClient } from '../../api-client.ts'
import { NodeNotRunningError } from '../../errors.ts'
import { friendLine } from '../friend-lines.ts'
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
        printResult(options, { stopped: true }, [`stopping the node waiting at ${waiting.url}`])
        return
      }
      await client.stop()
      printResult(options, { stopped: true, peerId: client.info.peerId }, [
        `stopping node ${client.info.peerId}`,
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
        `peer id      ${status.peerId}`,
        `fingerprint  ${status.fingerprint}`,
        `data dir     ${status.dataDir}`,
        `local API    ${status.apiUrl}`,
        `connections  ${status.connections}`,
        ...(recovery == null
          ? []
          : [
              `recovery     ${recovery.committed ? 'committed: your recovery phrase can take the account back' : 'NO recovery commitment: run "tokenim key recovery-phrase"'}`,
            ]),
        `prekeys      ${status.prekeysPublished ? 'published: strangers can reach you while you are offline' : 'not published yet (no DHT server reached)'}`,
        'listening on',
        ...status.listenAddresses.map((addr) => `  ${addr}`),
        ...(status.relays.length > 0 ? ['relays'] : []),
        ...status.relays.map(
          (relay) => `  ${relay.connected ? 'connected   ' : 'reconnecting'}  ${relay.address}`,
        ),
        ...(status.friends.length > 0 ? ['friends'] : []),
        ...status.friends.map((friend) => `  ${friendLine(friend)}`),
      ])
    })
}
