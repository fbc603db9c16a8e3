/**
 * Which module registers which top-level commands, so that a run loads only the module of
 * the command it runs: `tokenim --version` loads none, `tokenim send` not the relay nor the
 * simulation. The list is in help order; test/unit/cli-command-modules.test.ts checks that
 * each module registers exactly the commands named here.
 */
import type { Command } from 'commander'

/** What `tokenim --help` says the program is. */
export const PROGRAM_DESCRIPTION = 'TokenIM: a peer-to-peer, end-to-end encrypted messenger'

export interface CommandModule {
  commands: readonly string[]
  load(): Promise<(program: Command) => void>
}

export const COMMAND_MODULES: readonly CommandModule[] = [
  {
    commands: ['init', 'start', 'id'],
    load: async () => (await import('./commands/lifecycle.ts')).registerLifecycleCommands,
  },
  {
    commands: ['stop', 'status'],
    load: async () => (await import('./commands/node-status.ts')).registerNodeStatusCommands,
  },
  { commands: ['api'], load: async () => (await import('./commands/api.ts')).registerApiCommands },
  { commands: ['key'], load: async () => (await import('./commands/key.ts')).registerKeyCommands },
  {
    commands: ['send', 'inbox', 'history', 'read'],
    load: async () => (await import('./commands/messaging.ts')).registerMessagingCommands,
  },
  {
    commands: ['chats', 'send-file', 'chat'],
    load: async () => (await import('./commands/conversations.ts')).registerConversationCommands,
  },
  {
    commands: ['relay'],
    load: async () => (await import('./commands/relay.ts')).registerRelayCommands,
  },
  {
    commands: ['rooms'],
    load: async () => (await import('./commands/rooms.ts')).registerRoomCommands,
  },
  {
    commands: ['register', 'lookup', 'search', 'release', 'names', 'profile'],
    load: async () => (await import('./commands/directory.ts')).registerDirectoryCommands,
  },
  { commands: ['sim'], load: async () => (await import('./commands/sim.ts')).registerSimCommands },
  {
    commands: ['friends'],
    load: async () => (await import('./commands/friends.ts')).registerFriendsCommands,
  },
  {
    commands: ['devices'],
    load: async () => (await import('./commands/devices.ts')).registerDeviceCommands,
  },
]

/**
 * The modules a run with these arguments needs: its command's; none for `--version` alone;
 * all of them for the overall help, or for a name no module has (commander then suggests one).
 */
export function modulesFor(args: readonly string[]): readonly CommandModule[] {
  const name = args.find((arg) => !arg.startsWith('-'))
  if (name == null) {
    return args.some((arg) => arg === '-V' || arg === '--version') ? [] : COMMAND_MODULES
  }
  const owner = COMMAND_MODULES.find((module) => module.commands.includes(name))
  return owner == null ? COMMAND_MODULES : [owner]
}
