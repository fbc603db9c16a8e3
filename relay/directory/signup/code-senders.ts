/**
 * How a sign-up code reaches a person: an e-mail through the operator's SMTP server
 * (nodemailer), or a text message through the operator's HTTP SMS gateway (POST JSON
 * `{to, text}`, with a bearer token when configured). Each send is bounded in time, so a
 * slow server cannot hold a directory stream past its deadline; a failure becomes
 * DirectoryUnavailableError with what the person can do, and the detail goes to the log.
 */
import type { Logger } from '@libp2p/interface'
import { createTransport } from 'nodemailer'
import { DirectoryUnavailableError } from '../../../protocol/directory-errors.ts'
import { SIGNUP_VERIFICATION_TTL_MS } from '../../../protocol/limits.ts'
import type { SignupConfig } from './config-schema.ts'

/** A send must finish within this (the directory answers within 10 s). */
export const CODE_SEND_TIMEOUT_MS = 8_000

export interface CodeSender {
  send(to: string, code: string): Promise<void>
  close(): void
}

const MINUTES = SIGNUP_VERIFICATION_TTL_MS / 60_000

export function codeText(code: string): string {
  return `Your TokenIM sign-up code is ${code}. It expires in ${MINUTES} minutes. If you did not ask for it, ignore this message.`
}

export function emailSender(
  config: NonNullable<SignupConfig['email']>,
  password: string | undefined,
  log: Logger,
): CodeSender {
  const { smtp } = config
  const transport = createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.security === 'tls',
    requireTLS: smtp.security === 'starttls',
    ignoreTLS: smtp.security === 'none',
    auth: smtp.user == null ? undefined : { user: smtp.user, pass: password },
    connectionTimeout: CODE_SEND_TIMEOUT_MS,
    greetingTimeout: CODE_SEND_TIMEOUT_MS,
    socketTimeout: CODE_SEND_TIMEOUT_MS,
  })
  return {
    async send(to, code) {
      try {
        await transport.sendMail({
          from: config.from,
          to,
          subject: config.subject,
          text: codeText(code),
        })
      } catch (err) {
        log.error(
          'sending a sign-up code e-mail through %s failed - %s',
          smtp.host,
          (err as Error).message,
        )
        throw new DirectoryUnavailableError(
          'the relay could not send the e-mail with your code; try again later, or tell the relay operator',
        )
      }
    },
    close: () => transport.close(),
  }
}

export function smsSender(
  config: NonNullable<SignupConfig['sms']>,
  token: string | undefined,
  log: Logger,
): CodeSender {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (token != null) headers.authorization = `Bearer ${token}`
  return {
    async send(to, code) {
      let status: number
      try {
        const response = await fetch(config.webhook, {
          method: 'POST',
          headers,
          body: JSON.stringify({ to, text: codeText(code) }),
          signal: AbortSignal.timeout(CODE_SEND_TIMEOUT_MS),
        })
        status = response.status
        await response.body?.cancel()
      } catch (err) {
        log.error('the SMS gateway did not answer - %s', (err as Error).message)
        throw new DirectoryUnavailableError(
          'the relay could not reach its SMS gateway to send your code; try again later',
        )
      }
      if (status < 200 || status >= 300) {
        log.error('the SMS gateway refused a sign-up code (HTTP %d)', status)
        throw new DirectoryUnavailableError(
          `the relay's SMS gateway refused to send your code (HTTP ${status}); try again later, or tell the relay operator`,
        )
      }
    },
    close: () => {},
  }
}
