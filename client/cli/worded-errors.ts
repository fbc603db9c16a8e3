/**
 * The CLI's own errors worded from its catalogs. The error's message is always the English
 * text, so that --json output and logs read the same in every locale; its `sentence` is the
 * text of the user's language, the line errorSentence (node-errors.ts) prints for it. The
 * error keeps its class and stable `name` (UsageError…), hence its exit code.
 */

import { UsageError } from '../errors.ts'
import type { ParamsOf } from '../message-catalog.ts'
import type { en } from './i18n/en.ts'
import { type CliMessageKey, english, t } from './i18n/i18n.ts'

type Params<K extends CliMessageKey> = ParamsOf<(typeof en)[K]>

/** An error that carries its sentence in the user's language. */
export interface WordedError extends Error {
  readonly sentence: string
}

export function isWorded(error: Error): error is WordedError {
  return typeof (error as Partial<WordedError>).sentence === 'string'
}

/** A misuse of a command (exit code 64), worded by `key` of the catalogs. */
export function usageError<K extends CliMessageKey>(key: K, ...params: Params<K>): UsageError {
  return worded((message) => new UsageError(message), key, ...params)
}

/** The error `make` builds from the English text of `key`, with the sentence of the user's language. */
export function worded<E extends Error, K extends CliMessageKey>(
  make: (message: string) => E,
  key: K,
  ...params: Params<K>
): E & WordedError {
  return Object.assign(make(english(key, ...params)), { sentence: t(key, ...params) })
}
