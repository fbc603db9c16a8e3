/**
 * The CLI's help in Chinese (client/cli/help-language.ts, i18n/help-zh.ts): every text the
 * command modules give commander has its Chinese and no entry is left over, the Chinese
 * holds no English word but what a user types or reads as a name, and a help page comes out
 * in Chinese, wrapped to the terminal's width with Chinese characters two columns wide.
 */
import { type Command, Help, Command as Program } from 'commander'
import { describe, expect, it } from 'vitest'
import { COMMAND_MODULES, PROGRAM_DESCRIPTION } from '../../client/cli/command-modules.ts'
import { helpInChinese } from '../../client/cli/help-language.ts'
import { HELP_ZH } from '../../client/cli/i18n/help-zh.ts'
import { englishWordsIn } from '../helpers/chinese-text.ts'

/** Commander's own words that help-language.ts looks up. */
const COMMANDER_WORDS = [
  'Usage:',
  'Arguments:',
  'Options:',
  'Commands:',
  '[options]',
  '[command]',
  'default',
  'choices',
  'display help for command',
  'output the version number',
]

async function everyCommand(): Promise<Command> {
  const program = new Program('tokenim').description(PROGRAM_DESCRIPTION)
  for (const module of COMMAND_MODULES) (await module.load())(program)
  return program
}

function textsOf(command: Command): string[] {
  return [
    command.description(),
    ...command.registeredArguments.map((argument) => argument.description),
    ...command.options.filter((option) => !option.hidden).map((option) => option.description),
    ...command.commands.flatMap(textsOf),
  ].filter((text) => text !== '')
}

describe('CLI help in Chinese', () => {
  it('has the Chinese of every help text the commands declare, and nothing more', async () => {
    const declared = new Set([...textsOf(await everyCommand()), ...COMMANDER_WORDS])
    const missing = [...declared].filter((text) => HELP_ZH[text] == null)
    const unused = Object.keys(HELP_ZH).filter((text) => !declared.has(text))
    expect({ missing, unused }).toEqual({ missing: [], unused: [] })
  })

  it('holds no English word but names, units and what the user types', () => {
    for (const [english, chinese] of Object.entries(HELP_ZH)) {
      expect({ english, words: englishWordsIn(chinese) }).toEqual({ english, words: [] })
    }
  })

  it("rewords commander's usage errors, keeping the names and suggestions", async () => {
    let written = ''
    const program = new Program('tokenim').exitOverride().configureOutput({
      writeErr: (text) => {
        written += text
      },
    })
    helpInChinese(program)
    for (const module of COMMAND_MODULES) (await module.load())(program)
    const errorOf = async (...args: string[]) => {
      written = ''
      await program.parseAsync(args, { from: 'user' }).catch(() => undefined)
      return written
    }
    expect(await errorOf('friends', 'ad')).toBe("错误：未知命令 'ad'\n（你是不是想输入 add？）\n")
    expect(await errorOf('send', '--colour', 'red')).toContain("错误：未知选项 '--colour'")
    expect(await errorOf('key', 'export')).toBe("错误：未指定必需的选项 '--out <file>'\n")
  })

  it('prints a help page in Chinese, each line within the width', async () => {
    const program = new Program('tokenim').configureOutput({ getOutHelpWidth: () => 72 })
    helpInChinese(program)
    for (const module of COMMAND_MODULES) (await module.load())(program)
    const start = program.commands.find((command) => command.name() === 'start')!
    const page = start.helpInformation()
    expect(page).toContain('用法： tokenim start [选项]')
    expect(page).toContain('在前台运行节点（加 --detach 则在后台运行）')
    expect(page).toMatch(/--data-dir <path>\s+节点的数据目录/)
    expect(page).toMatch(/（默\s*认："/)
    const width = (line: string) =>
      line.length + (line.match(/[\u3000-\u9fff\uff00-\uffef]/g)?.length ?? 0)
    const lines = page.split('\n')
    expect(lines.filter((line) => width(line) > 72)).toEqual([])
    // the long --web help wraps between Chinese characters onto more than one line
    const web = lines.findIndex((line) => line.includes('--web'))
    expect(lines[web + 1]).toMatch(/^\s{10,}\S/)
    expect(new Help().displayWidth('中文')).toBe(2) // commander alone counts one column each
  })
})
