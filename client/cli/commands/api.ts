/** `tokenim api token`: the local API's lasting token, shown or replaced. */
import type { Command } from 'commander'
import { ensureDataDir, loadApiAccess, rotateApiToken, saveApiAccess } from '../../../node/index.ts'
import { API_PATHS, type RotateApiTokenResponse } from '../../../protocol/local-api.ts'
import { t } from '../i18n/i18n.ts'
import { daemonAtKeptAddress } from '../kept-address.ts'
import { type CommonOptions, withCommonOptions } from '../options.ts'
import { printResult } from '../output.ts'

interface TokenOptions extends CommonOptions {
  rotate?: boolean
}

export function registerApiCommands(program: Command): void {
  const api = program.command('api').description("the node's local API on 127.0.0.1")
  withCommonOptions(api.command('token'))
    .description(
      'print the web client address with its token, kept across restarts; --rotate replaces the token (at once on a running node) so every address given out so far stops working',
    )
    .option('--rotate', 'replace the token with a new one')
    .action(async (options: TokenOptions) => {
      const paths = await ensureDataDir(options.dataDir)
      // A node running on the data dir (or waiting for the web client) replaces it at once.
      const running = options.rotate ? await daemonAtKeptAddress(options.dataDir) : undefined
      if (running != null) await running.post<RotateApiTokenResponse>(API_PATHS.apiToken)
      let access = await loadApiAccess(paths.apiAccess)
      if (options.rotate && running == null) access = await rotateApiToken(paths.apiAccess)
      else await saveApiAccess(paths.apiAccess, access)
      const webUrl =
        access.port === 0 ? undefined : `http://127.0.0.1:${access.port}/#token=${access.token}`
      printResult(
        options,
        { rotated: options.rotate === true, port: access.port, webUrl, running: running != null },
        [
          ...(options.rotate ? [t(running != null ? 'api.replacedRunning' : 'api.replaced')] : []),
          webUrl == null
            ? t('api.noPort', { command: '"tokenim start"' })
            : t('start.webClient', { url: webUrl }),
        ],
      )
    })
}
