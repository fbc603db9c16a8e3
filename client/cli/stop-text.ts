/**
 * Why the node stopped, in the user's language: the catalogs' wording of its stop code
 * (protocol/stop-reasons.ts), or the node's English text for a code this CLI does not know.
 */
import type { StopReason } from '../../protocol/stop-reasons.ts'
import { stopTextKey } from '../error-texts/en.ts'
import { t } from './i18n/i18n.ts'

export function stopText(why: Pick<StopReason, 'reason' | 'detail'> & { code: string }): string {
  const key = stopTextKey(why.code)
  return key == null ? why.reason : t(key, { detail: why.detail ?? '' })
}
