import { Command } from 'commander'
import { describe, expect, it } from 'vitest'
import { COMMAND_MODULES, modulesFor } from '../../client/cli/command-modules.ts'

describe("the CLI's command modules, loaded per command", () => {
  it('each registers exactly the top-level commands the table names, and no name twice', async () => {
    const everyName: string[] = []
    for (const module of COMMAND_MODULES) {
      const program = new Command('tokenim')
      ;(await module.load())(program)
      const registered = program.commands.map((command) => command.name())
      expect(registered).toEqual([...module.commands])
      everyName.push(...registered)
    }
    expect(new Set(everyName).size).toBe(everyName.length)
  })

  it("loads none for --version, the command's own for a command, all for help or an unknown name", () => {
    expect(modulesFor(['--version'])).toEqual([])
    expect(modulesFor(['-V'])).toEqual([])
    expect(modulesFor(['send', '--json', 'alice', 'hi']).map((m) => m.commands[0])).toEqual([
      'send',
    ])
    expect(modulesFor(['relay', 'start', '--version'])).toHaveLength(1)
    expect(modulesFor([])).toBe(COMMAND_MODULES)
    expect(modulesFor(['--help'])).toBe(COMMAND_MODULES)
    expect(modulesFor(['sned'])).toBe(COMMAND_MODULES)
  })
})
