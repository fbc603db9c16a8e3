/**
 * Where the CLI gets a password: `--password-file`, then `TOKENIM_PASSWORD`, then a prompt
 * that does not echo. Without a terminal there is no one to ask, so it says which variable
 * to set instead of hanging.
 */
import { readFile } from 'node:fs/promises'
import { createInterface } from 'node:readline/promises'
import { t } from './i18n/i18n.ts'
import { usageError } from './worded-errors.ts'

export const PASSWORD_ENV = 'TOKENIM_PASSWORD'
/** The new password of `tokenim key password`, for scripts. */
export const NEW_PASSWORD_ENV = 'TOKENIM_NEW_PASSWORD'

export interface PasswordSource {
  passwordFile?: string
}

export interface NewPasswordSource {
  newPasswordFile?: string
}

export async function readPassword(
  source: PasswordSource,
  prompt = t('prompt.password'),
): Promise<string> {
  if (source.passwordFile != null) return readPasswordFile(source.passwordFile)
  const fromEnv = process.env[PASSWORD_ENV]
  if (fromEnv != null && fromEnv !== '') return fromEnv
  return promptHidden(prompt)
}

/** For a new password: asks twice when a person types it. */
export async function readNewPassword(
  source: PasswordSource,
  what = t('prompt.passwordWord'),
): Promise<string> {
  if (source.passwordFile != null || process.env[PASSWORD_ENV]) return readPassword(source)
  return promptTwice(what)
}

/**
 * The replacement password of `tokenim key password`, beside the current one: from
 * `--new-password-file`, then TOKENIM_NEW_PASSWORD, then asked twice.
 */
export async function readReplacementPassword(source: NewPasswordSource): Promise<string> {
  if (source.newPasswordFile != null) return readPasswordFile(source.newPasswordFile)
  const fromEnv = process.env[NEW_PASSWORD_ENV]
  if (fromEnv != null && fromEnv !== '') return fromEnv
  if (!hasTerminal()) {
    throw usageError('usage.noTerminalNewPassword', {
      flag: '--new-password-file',
      variable: NEW_PASSWORD_ENV,
    })
  }
  return promptTwice('password')
}

async function promptTwice(what: string): Promise<string> {
  const first = await promptHidden(t('prompt.new', { what }))
  const second = await promptHidden(t('prompt.repeat', { what }))
  if (first !== second) throw usageError('prompt.differ')
  return first
}

async function readPasswordFile(path: string): Promise<string> {
  const text = await readFile(path, 'utf8')
  return text.replace(/\r?\n$/, '')
}

export function hasTerminal(): boolean {
  return process.stdin.isTTY === true
}

/** Reads one line from the terminal without echoing it. */
export async function promptHidden(prompt: string): Promise<string> {
  if (!hasTerminal()) {
    throw usageError('usage.noTerminalPassword', {
      flag: '--password-file',
      variable: PASSWORD_ENV,
    })
  }
  const stdin = process.stdin
  process.stderr.write(prompt)
  stdin.setRawMode(true)
  stdin.setEncoding('utf8')
  stdin.resume()
  let line = ''
  try {
    return await new Promise<string>((resolve, reject) => {
      const onData = (chunk: string) => {
        for (const char of chunk) {
          if (char === '\r' || char === '\n' || char === '\u0003') {
            stdin.off('data', onData)
            if (char === '\u0003') reject(usageError('usage.cancelled'))
            else resolve(line)
            return
          }
          line = char === '\u007f' || char === '\b' ? line.slice(0, -1) : line + char
        }
      }
      stdin.on('data', onData)
    })
  } finally {
    stdin.setRawMode(false)
    stdin.pause()
    process.stderr.write('\n')
  }
}

/** Reads one visible line from the terminal. */
export async function promptLine(prompt: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr })
  try {
    return await rl.question(prompt)
  } finally {
    rl.close()
  }
}
