/**
 * The CLI's message catalogs (client/cli/i18n): the checks every pair passes, the language
 * the POSIX locale variables choose, lines and the node's errors in Chinese, and times
 * printed in the local zone.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { historyLine } from '../../client/cli/commands/history-transfer.ts'
import { friendLine } from '../../client/cli/friend-lines.ts'
import { en } from '../../client/cli/i18n/en.ts'
import { languageOf, setCliLanguage, t } from '../../client/cli/i18n/i18n.ts'
import { zh } from '../../client/cli/i18n/zh.ts'
import { errorSentence } from '../../client/cli/node-errors.ts'
import { minuteStamp } from '../../client/cli/output.ts'
import { stopText } from '../../client/cli/stop-text.ts'
import { usageError } from '../../client/cli/worded-errors.ts'
import { ApiRequestError, NodeNotRunningError, UsageError } from '../../client/errors.ts'
import type { FriendView } from '../../protocol/local-api.ts'
import { STOP_CODES, stopReason } from '../../protocol/stop-reasons.ts'
import { describeCatalogs } from '../helpers/catalog-checks.ts'

describeCatalogs(
  'CLI catalogs',
  en,
  zh,
  /^(TokenIM|ID|API|DHT|Enter|Ctrl|file|quit|pid|RSS|MiB|CPU|JUnit)$/,
)

describe('CLI language and times', () => {
  const zone = process.env.TZ
  afterEach(() => {
    setCliLanguage('en')
    if (zone == null) delete process.env.TZ
    else process.env.TZ = zone
  })

  it('takes LC_ALL, then LC_MESSAGES, then LANG; zh… chooses Chinese', () => {
    expect(languageOf({ LANG: 'zh_CN.UTF-8' })).toBe('zh')
    expect(languageOf({ LC_ALL: 'zh_CN.UTF-8', LANG: 'en_US.UTF-8' })).toBe('zh')
    expect(languageOf({ LC_ALL: 'en_GB.UTF-8', LANG: 'zh_CN.UTF-8' })).toBe('en')
    expect(languageOf({ LC_MESSAGES: 'zh_TW.UTF-8', LANG: 'C' })).toBe('zh')
    expect(languageOf({ LANG: 'C.UTF-8' })).toBe('en')
    expect(languageOf({})).toBe('en')
  })

  it('words a friend line and plurals in the chosen language', () => {
    const friend = {
      peerId: '12D3KooWexample',
      name: 'bob@relay',
      online: false,
      reach: { via: 'mailbox' },
      devices: { count: 2, names: ['a', 'b'] },
    } as unknown as FriendView
    expect(friendLine(friend)).toBe(
      '  bob@relay · 2 devices  offline  no connection: messages wait in the mailbox',
    )
    expect(t('friend.devices', { count: 1 })).toBe('1 device')
    setCliLanguage('zh')
    expect(friendLine(friend)).toBe('  bob@relay · 2 台设备  离线  未连接：消息在信箱中等待')
  })

  it("words the node's frequent errors by name in Chinese, any other by its own message", () => {
    const refused = new ApiRequestError('RoomPermissionError', 'needs the admin role', 403)
    const other = new ApiRequestError('RoomHistoryCursorError', 'no such cursor\nat line 2', 400)
    expect(errorSentence(refused)).toBe('needs the admin role')
    setCliLanguage('zh')
    expect(errorSentence(refused)).toBe('只有群主或管理员可以这样做。')
    expect(errorSentence(other)).toBe('no such cursor')
  })

  it("words the CLI's own errors in Chinese, their message staying English (--json)", () => {
    setCliLanguage('zh')
    const role = usageError('usage.roomRole', { admin: 'admin', member: 'member' })
    expect(role).toBeInstanceOf(UsageError)
    expect(role.name).toBe('UsageError')
    expect(role.message).toBe('the role is "admin" or "member"')
    expect(errorSentence(role)).toBe('角色只能是 "admin" 或 "member"')
    const notRunning = new NodeNotRunningError('/data')
    expect(notRunning.message).toBe(
      'no tokenim node is running on /data: start one with "tokenim start --data-dir /data"',
    )
    expect(errorSentence(notRunning)).toBe(
      '数据目录 /data 上没有运行中的 TokenIM 节点：用 "tokenim start --data-dir /data" 启动一个',
    )
    setCliLanguage('en')
    expect(errorSentence(usageError('usage.apiPort', { flag: '--api-port', value: 'x' }))).toBe(
      '--api-port must be a port number (0-65535), got "x"',
    )
  })

  it('words the history a linked device receives in either language', () => {
    expect(historyLine(7)).toBe(
      'It receives the last 7 days of 1:1 history from the existing device once it starts ("tokenim devices history" shows how far it got).',
    )
    setCliLanguage('zh')
    expect(historyLine('none')).toBe(
      '较早的历史记录留在其他设备上（之后可用 "tokenim devices history all" 索取）。',
    )
    expect(historyLine(7)).toBe(
      '启动后，它会从已有设备接收最近 7 天的单聊历史记录（"tokenim devices history" 显示进度）。',
    )
  })

  it('words why the node stopped by its code, in Chinese too; an unknown code by its English', () => {
    // In English, the node's own texts: every code is worded as the node words it.
    for (const code of STOP_CODES) {
      const why = stopReason(code, code === 'signal' ? 'SIGTERM' : 'uncaughtException: TypeError')
      expect(stopText(why)).toBe(why.reason)
    }
    expect(t('start.stopped', { reason: stopText(stopReason('signed-in-elsewhere')) })).toBe(
      'node stopped: signed in elsewhere',
    )
    setCliLanguage('zh')
    expect(t('start.stopped', { reason: stopText(stopReason('signed-in-elsewhere')) })).toBe(
      '节点已停止：已在其他设备上登录',
    )
    expect(stopText(stopReason('signal', 'SIGINT'))).toBe('收到信号 SIGINT')
    expect(stopText(stopReason('fatal-error', 'uncaughtException: TypeError'))).toBe(
      '严重错误：uncaughtException: TypeError',
    )
    expect(stopText({ code: 'a-later-cause', reason: 'the disk is full' })).toBe('the disk is full')
  })

  it('prints times in the local time zone', () => {
    const at = Date.UTC(2026, 11, 7, 23, 30)
    process.env.TZ = 'UTC'
    expect(minuteStamp(at)).toBe('2026-12-07 23:30')
    process.env.TZ = 'Asia/Shanghai'
    expect(minuteStamp(at)).toBe('2026-12-08 07:30')
  })
})
