/**
 * The CLI as a Chinese reader gets it (LANG=zh_CN.UTF-8, the built CLI as a process): in
 * `tokenim --help` and a command's help no English word is left but the command names,
 * flags, placeholders and the names the catalogs allow, and the English locale keeps English
 * help; the operator's `relay init`, `api token` and `sim run` speak Chinese.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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

describe('tokenim operator commands in Chinese', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tokenim-zh-'))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it('relay init and api token', async () => {
    const relay = await runCli(['relay', 'init', '--data-dir', join(dir, 'relay')], CHINESE)
    expect(relay.stderr).toBe('')
    expect(relay.stdout).toMatch(
      /^已创建中继 12D3KooW\S+\n配置 {4}\S+relay\.yaml\n密钥 {4}\S+（没有密码保护/,
    )
    expect(relay.stdout).toContain('请检查配置，然后运行：tokenim relay start --config ')
    const api = await runCli(['api', 'token', '--data-dir', join(dir, 'node')], CHINESE)
    expect(api.stdout).toBe('网页客户端  尚未选定端口：将在首次运行 "tokenim start" 时选定\n')
  })

  it('sim run: its summary and progress lines', async () => {
    const scenario = join(dir, 'small.yaml')
    await writeFile(
      scenario,
      'name: small\nnetwork: { relays: 1, nodes: 2 }\nduration: 2s\ntraffic: { direct: { rate: 2 } }\n',
    )
    const run = await runCli(['sim', 'run', scenario, '--out', join(dir, 'sim')], CHINESE)
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toMatch(/^small：通过$/m)
    expect(run.stdout).toMatch(/^单聊 \d+\/\d+ 已送达，p50 \d+ ms，p99 \d+ ms$/m)
    expect(run.stdout).toMatch(/^节点间连接：\d+ 条直连，\d+ 条经中继$/m)
    expect(run.stderr).toMatch(/^模拟：启动中 \d+ s，\d+ 个节点已启动$/m)
  })
})

describe("tokenim's own errors in Chinese", () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tokenim-zh-errors-'))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it('status with no node running says so in Chinese, and in English with --json', async () => {
    const empty = join(dir, 'empty')
    const status = await runCli(['status', '--data-dir', empty], CHINESE)
    expect(status.code).toBe(69)
    expect(status.stderr).toBe(
      `tokenim: NodeNotRunningError: 数据目录 ${empty} 上没有运行中的 TokenIM 节点：用 "tokenim start --data-dir ${empty}" 启动一个\n`,
    )
    const json = await runCli(['status', '--json', '--data-dir', empty], CHINESE)
    expect(JSON.parse(json.stderr).error).toEqual({
      name: 'NodeNotRunningError',
      message: `no tokenim node is running on ${empty}: start one with "tokenim start --data-dir ${empty}"`,
      exitCode: 69,
    })
  })

  it('a usage error of a command in Chinese', async () => {
    const role = await runCli(['rooms', 'role', 'r1', 'bob', 'owner', '--data-dir', dir], CHINESE)
    expect(role.code).toBe(64)
    expect(role.stderr).toBe('tokenim: UsageError: 角色只能是 "admin" 或 "member"\n')
  })

  it("the reason an option's or argument's value is refused, in Chinese", async () => {
    const appear = await runCli(['friends', 'appear', 'maybe', '--data-dir', dir], CHINESE)
    expect(appear.code).toBe(64)
    expect(appear.stderr).toContain(
      "错误：参数 'state' 的值 'maybe' 无效。 必须是 online 或 offline\n",
    )
    const limit = await runCli(['history', 'bob', '--limit', 'x', '--data-dir', dir], CHINESE)
    expect(limit.stderr).toContain("错误：选项 '--limit <count>' 的值 'x' 无效。 必须是正整数\n")
  })
})
