/** The `tokenim` command line; each command's module is loaded only when it runs. */
import { Command, CommanderError } from 'commander'
import { NODE_VERSION } from '../../node/version.ts'
import { modulesFor, PROGRAM_DESCRIPTION } from './command-modules.ts'
import { languageOf } from './i18n/i18n.ts'
import { exitWithError } from './output.ts'

const program = new Command('tokenim')
  .description(PROGRAM_DESCRIPTION)
  .version(NODE_VERSION)
  .showHelpAfterError()
  // Usage errors and --help end in main's catch, which gives each its own exit code.
  .exitOverride()

try {
  // Before the commands are added: each copies the help configuration when it is.
  if (languageOf() === 'zh') (await import('./help-language.ts')).helpInChinese(program)
  const registers = await Promise.all(
    modulesFor(process.argv.slice(2)).map((module) => module.load()),
  )
  for (const register of registers) register(program)
  await program.parseAsync(process.argv)
} catch (err) {
  if (err instanceof CommanderError && err.exitCode === 0) process.exit(0)
  exitWithError(err)
}
