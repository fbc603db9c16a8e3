/**
 * Reads a secret the config names inline, by environment variable (`…Env`) or by file
 * (`…File`), at relay start, so a missing one stops start-up with the field to fix rather
 * than failing the first sign-up. The value is never logged.
 */
import { readFile } from 'node:fs/promises'
import { InvalidConfigError } from '../../errors.ts'

/** `section[key]`, `section[key + 'Env']` or `section[key + 'File']`; undefined when none is set. */
export async function readSecret(
  section: Record<string, unknown>,
  key: string,
  where: string,
): Promise<string | undefined> {
  const inline = section[key] as string | undefined
  if (inline != null) return inline
  const variable = section[`${key}Env`] as string | undefined
  if (variable != null) {
    const value = process.env[variable]
    if (value == null || value === '') {
      throw new InvalidConfigError(
        `${where}.${key}Env: the environment variable ${variable} is not set`,
      )
    }
    return value
  }
  const file = section[`${key}File`] as string | undefined
  if (file == null) return undefined
  try {
    return (await readFile(file, 'utf8')).replace(/\r?\n$/, '')
  } catch (err) {
    throw new InvalidConfigError(
      `${where}.${key}File: cannot read ${file}: ${(err as Error).message}`,
    )
  }
}
