/** Options every command shares, declared once. */
import { type Command, Option } from 'commander'
// data-dir.ts alone: the node's front door would load the node into every command.
import { defaultDataDir } from '../../node/data-dir.ts'

/** Help of an argument that names another user. */
export const PEER_HELP = 'a username, a peer id or a hex public key'

export interface CommonOptions {
  dataDir: string
  json?: boolean
}

export function withCommonOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--data-dir <path>', "the node's data folder (or TOKENIM_DATA_DIR)").default(
        defaultDataDir(),
      ),
    )
    .option('--json', 'print machine-readable JSON')
}

export function withPasswordFile(command: Command): Command {
  return command.option(
    '--password-file <path>',
    'read the password from this file (or set TOKENIM_PASSWORD)',
  )
}
