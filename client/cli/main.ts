/** The `tokenim` command line; each command's module is loaded only when it runs. */
import { Command, CommanderError } from 'commander'
import { NODE_VERSION } from '../../node/version.ts'
import { modulesFor } from './command-modules.ts'
import { exitWithError } from './output.ts'

const program = new Command('tokenim')
  .description('TokenIM: a peer-to-peer, end-to-end encrypted messenger')
  .version(NODE_VERSION)
  .showHelpAfterError()
  // Usage errors and --help end in main's catch, which gives each its own exit code.
  .exitOverride()

try {
  const registers = await Promise.all(
    modulesFor(process.argv.slice(2)).map((module) => module.load()),
  )
  for (const register of registers) register(program)
  await program.parseAsync(process.argv)
} catch (err) {
  if (err instanceof CommanderError && err.exitCode === 0) process.exit(0)
  exitWithError(err)
}
