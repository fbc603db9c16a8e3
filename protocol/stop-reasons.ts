/**
 * Why a node stopped, as a stable code clients word in their own language, with the English
 * text logs and older clients show (doc/local-api.md, `node:stopping`). A code is never
 * renamed; a new cause gets a new code, which clients without a wording for it show by its
 * English text.
 */

export const STOP_CODES = [
  /** `tokenim stop`, the web client's stop, or a program embedding the node. */
  'user',
  /** `POST /v1/stop` on the local API. */
  'local-api',
  /** The process got SIGINT or SIGTERM (the terminal's Ctrl+C, a service manager); detail: which. */
  'signal',
  /** The same identity started on another device (doc/usernames.md, one session at a time). */
  'signed-in-elsewhere',
  /** The account key was rotated or recovered: the node starts again under the new key. */
  'key-changed',
  /** The daemon was told to stop while the node was still starting. */
  'start-abandoned',
  /** `tokenim start --web` without a web client to unlock the node with. */
  'no-web-client',
  /** An error nothing caught (a bug): the node stops to keep its data intact; detail: the error's kind and name. */
  'fatal-error',
] as const

export type StopCode = (typeof STOP_CODES)[number]

export interface StopReason {
  code: StopCode
  /** The English text: for logs, and for clients that do not know the code. */
  reason: string
  /** What the code leaves open (the signal, the error's name), not worded. */
  detail?: string
}

const ENGLISH: Record<StopCode, (detail: string) => string> = {
  user: () => 'stopped by the user',
  'local-api': () => 'stopped through the local API',
  signal: (detail) => `received ${detail}`,
  'signed-in-elsewhere': () => 'signed in elsewhere',
  'key-changed': () => 'the account key changed; starting again under the new key',
  'start-abandoned': () => 'the daemon stopped while the node was starting',
  'no-web-client': () => 'no web client to unlock with',
  'fatal-error': (detail) => `fatal error: ${detail}`,
}

/** The reason for `code`, with its English text. */
export function stopReason(code: StopCode, detail?: string): StopReason {
  return {
    code,
    reason: ENGLISH[code](detail ?? ''),
    ...(detail != null && { detail }),
  }
}
