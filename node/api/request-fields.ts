/**
 * Reading the fields of a local API request, shared by every feature's routes: a field that
 * is missing or of the wrong kind answers 400 InvalidRequest naming the field, before any
 * feature code runs.
 */
import { ApiError } from './local-api-server.ts'

/** `value` when it is a non-empty string. */
export function requireString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw invalid(`"${name}" must be a non-empty string`)
  }
  return value
}

/** `value` when it is a string with something besides whitespace (names, paths, peers). */
export function requireNonBlankString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.trim().length === 0) {
    throw invalid(`"${name}" must be a non-empty string`)
  }
  return value
}

/** A query parameter that, when given, is a positive integer (`limit`, `before`). */
export function optionalPositiveInteger(value: string | null, name: string): number | undefined {
  if (value == null || value === '') return undefined
  const number = Number(value)
  if (!Number.isSafeInteger(number) || number < 1) {
    throw invalid(`"${name}" must be a positive integer`)
  }
  return number
}

/** A message id as the API shows it: 32 lowercase hex digits. */
export function requireMessageId(value: unknown, name: string): string {
  if (typeof value !== 'string' || !/^[0-9a-f]{32}$/.test(value)) {
    throw invalid(`"${name}" must be a message id (32 hex digits)`)
  }
  return value
}

function invalid(message: string): ApiError {
  return new ApiError(400, 'InvalidRequest', message)
}
