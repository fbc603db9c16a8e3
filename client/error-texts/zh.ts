/** 简体中文 of the shared error sentences (en.ts beside it), loaded only with a Chinese catalog. */
import type { CatalogOf } from '../message-catalog.ts'
import type { ERROR_TEXTS_EN, STOP_TEXTS_EN } from './en.ts'

export const ERROR_TEXTS_ZH: CatalogOf<typeof ERROR_TEXTS_EN> = {
  'errors.wrongPassword': '密码错误。请重试；如果忘记了密码，可以用备份短语恢复你的身份。',
  'errors.weakPassword': '密码强度太低：请使用更长的密码，例如几个不相关的词组合。',
  'errors.invalidPhrase': '备份短语无效：请检查是否为 24 个单词，拼写和顺序都与抄写的一致。',
  'errors.recoveryMismatch': '这不是该账号预先绑定的恢复短语。请对照你为该账号抄写的短语逐词检查。',
  'errors.nameTaken': '该用户名已被占用，请换一个。',
  'errors.nameNotFound': '没有人使用这个用户名。',
  'errors.invalidName': '用户名无效：只能使用字母、数字、点、连字符或下划线。',
  'errors.alreadyFriends': '你们已经是好友了。',
  'errors.duplicateRequest': '发给此人的好友请求正在等待回应。',
  'errors.friendSelf': '不能添加自己为好友。',
  'errors.lockedOut': '连续错误次数过多：请稍等片刻再试。',
}

export const STOP_TEXTS_ZH: CatalogOf<typeof STOP_TEXTS_EN> = {
  'stop.user': '已由用户停止',
  'stop.local-api': '已通过本地接口停止',
  'stop.signal': '收到信号 {detail}',
  'stop.signed-in-elsewhere': '已在其他设备上登录',
  'stop.key-changed': '账户密钥已更换，正在以新密钥重新启动',
  'stop.start-abandoned': '节点启动过程中守护进程已停止',
  'stop.no-web-client': '没有可用来解锁的网页客户端',
  'stop.fatal-error': '严重错误：{detail}',
}
