/** `tokenim api token`: the local API's lasting token, shown or replaced. */
import { existsSync } from 'node:fs'
import type { Command } from 'commander'
import {
  dataDirPaths,
  ensureDataDir,
  loadApiAccess,
  rotateApiToken,
  saveApiAccess,
} from '../../../node/index.ts'
import { type CommonOptions, withCommonOptions } from '../options.ts'
import { printResult } from '../output.ts'

interface TokenOptions extends CommonOptions {
  rotate?: boolean
}

export function registerApiCommands(program: Command): void {
  const api = program.command('api').description("the node's local API on 127.0.0.1")
  withCommonOptions(api.command('token'))
    .description(
      'print the web client address with its token, kept across restarts; --rotate replaces the token so every address given out so far stops working',
    )
    .option('--rotate', 'replace the token with a new one')
    .action(async (options: TokenOptions) => {
      const paths = await ensureDataDir(options.dataDir)
      let access = await loadApiAccess(paths.apiAccess)
      if (options.rotate) access = await rotateApiToken(paths.apiAccess)
      else await saveApiAccess(paths.apiAccess, access)
      const running = existsSync(dataDirPaths(options.dataDir).apiInfo)
      const webUrl =
        access.port === 0 ? undefined : `http://127.0.0.1:${access.port}/#token=${access.token}`
      printResult(
        options,
        { rotated: options.rotate === true, port: access.port, webUrl, running },
        [
          ...(options.rotate ? ['The local API token was replaced.'] : []),
          webUrl == null
            ? 'web client  no port chosen yet: it is chosen on the first "tokenim start"'
            : `web client  ${webUrl}`,
          ...(options.rotate && running
            ? [
                'The running node keeps the old token until it restarts: run "tokenim stop", then "tokenim start".',
              ]
            : []),
        ],
      )
    })
}
