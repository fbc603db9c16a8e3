/**
 * `tokenim --help` and a command's help as a Chinese reader gets them (LANG=zh_CN.UTF-8, the
 * built CLI as a process): no English word is left but the command names, flags,
 * placeholders and the names the catalogs allow; the English locale keeps English help.
 */
import { describe, expect, it } from 'vitest'
import { englishWordsIn } from '../helpers/chinese-text.ts'
import { runCli } from '../helpers/cli.ts'

const CHINESE = { LANG: 'zh_CN.UTF-8', LC_ALL: '', LC_MESSAGES: '' }

/** The help without the names in its command list (the first word of each entry). */
function withoutCommandNames(help: string): string {
  const [before, commands = ''] = help.split('命令：\n')
  return `${before}\n${commands.replace(/^ {2}[\w-]+/gm, ' ')}`
}

describe('tokenim help in Chinese', () => {
  it.each([[['--help']], [['friends', '--help']], [['start', '--help']]])(
    'tokenim %s reads in Chinese',
    async (args) => {
      const { code, stdout } = await runCli(args, CHINESE)
      expect(code).toBe(0)
      expect(stdout).toContain('用法：')
      expect(stdout).toContain('显示该命令的帮助')
      expect(englishWordsIn(withoutCommandNames(stdout))).toEqual([])
    },
  )

  it('stays English in an English locale', async () => {
    const { stdout } = await runCli(['friends', '--help'], { ...CHINESE, LANG: 'en_US.UTF-8' })
    expect(stdout).toContain('Usage: tokenim friends [options] [command]')
    expect(stdout).toContain('friend requests, the friend list with presence, blocking')
  })
})
