/** The `tokenim` command line. */
import { Command, CommanderError } from 'commander'
import { NODE_VERSION } from '../../node/index.ts'
import { registerApiCommands } from './commands/api.ts'
import { registerConversationCommands } from './commands/conversations.ts'
import { registerDeviceCommands } from './commands/devices.ts'
import { registerDirectoryCommands } from './commands/directory.ts'
import { registerFriendsCommands } from './commands/friends.ts'
import { registerKeyCommands } from './commands/key.ts'
import { registerLifecycleCommands } from './commands/lifecycle.ts'
import { registerMessagingCommands } from './commands/messaging.ts'
import { registerRelayCommands } from './commands/relay.ts'
import { registerRoomCommands } from './commands/rooms.ts'
import { registerSimCommands } from './commands/sim.ts'
import { exitWithError } from './output.ts'

const program = new Command('tokenim')
  .description('TokenIM: a peer-to-peer, end-to-end encrypted messenger')
  .version(NODE_VERSION)
  .showHelpAfterError()
  // Usage errors and --help end in main's catch, which gives each its own exit code.
  .exitOverride()

registerLifecycleCommands(program)
registerApiCommands(program)
registerKeyCommands(program)
registerMessagingCommands(program)
registerConversationCommands(program)
registerRelayCommands(program)
registerRoomCommands(program)
registerDirectoryCommands(program)
registerSimCommands(program)
registerFriendsCommands(program)
registerDeviceCommands(program)

try {
  await program.parseAsync(process.argv)
} catch (err) {
  if (err instanceof CommanderError && err.exitCode === 0) process.exit(0)
  exitWithError(err)
}
