/**
 * Where the CLI gets a two-factor code, asked only while two-factor checks are on: `--code`,
 * then TOKENIM_2FA_CODE, then a prompt. Without a terminal it says which to set.
 */
import type { Keystore } from '../../node/index.ts'
import { t } from './i18n/i18n.ts'
import { hasTerminal, promptLine } from './password.ts'
import { usageError } from './worded-errors.ts'

export const CODE_ENV = 'TOKENIM_2FA_CODE'
export const CODE_OPTION_HELP = `a code of your authenticator app, or a recovery code, when two-factor checks are on (or set ${CODE_ENV})`

export interface CodeSource {
  code?: string
}

/** The code to pass, or undefined when two-factor checks are off. */
export async function readSecondFactor(
  keystore: Keystore,
  source: CodeSource,
): Promise<string | undefined> {
  if (!(await keystore.twoFactorStatus()).enabled) return undefined
  return readCode(source)
}

/** A code from `--code`, TOKENIM_2FA_CODE or the terminal. */
export async function readCode(source: CodeSource, prompt = t('prompt.code')): Promise<string> {
  const given = source.code ?? process.env[CODE_ENV]
  if (given != null && given !== '') return given
  if (!hasTerminal()) {
    throw usageError('usage.noTerminalCode', { flag: '--code', variable: CODE_ENV })
  }
  return promptLine(prompt)
}
