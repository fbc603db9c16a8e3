/**
 * The real outside parts a relay's sign-up policies talk to, started in process by tests:
 * an SMTP server (smtp-server) that receives the code e-mails, and an HTTP SMS gateway that
 * receives the relay's webhook calls. Each keeps what it received and lets a test wait for
 * the code sent to an address.
 */
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'
import { ChangeSignal } from './wait.ts'

export interface ReceivedCode {
  to: string
  /** The whole message as received (the raw e-mail, or the gateway's JSON body). */
  raw: string
  code: string
}

abstract class CodeInbox {
  readonly received: ReceivedCode[] = []
  protected readonly changes = new ChangeSignal()

  /** The newest code sent to `to`, waiting for its arrival. */
  async codeFor(to: string, count = 1): Promise<string> {
    const mine = () => this.received.filter((entry) => entry.to.toLowerCase() === to.toLowerCase())
    await this.changes.until(() => mine().length >= count, `code number ${count} for ${to}`)
    return mine()[count - 1].code
  }

  protected receive(to: string, raw: string): void {
    const code = /code is (\d{6,8})/.exec(raw)?.[1] ?? ''
    this.received.push({ to, raw, code })
    this.changes.notify()
  }
}

/** How relay.yaml gives the SMTP password: inline, by environment variable or by file. */
export type PasswordSource =
  | { password: string }
  | { passwordEnv: string }
  | { passwordFile: string }

export class TestSmtpServer extends CodeInbox {
  readonly logins: Array<{ user: string; password: string }> = []
  port = 0
  private readonly server: SMTPServer
  private readonly user: string

  constructor(credentials: { user: string; password: string }) {
    super()
    this.user = credentials.user
    this.server = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      logger: false,
      onAuth: (auth, _session, callback) => {
        this.logins.push({ user: auth.username ?? '', password: auth.password ?? '' })
        if (auth.username === credentials.user && auth.password === credentials.password) {
          callback(null, { user: auth.username })
        } else callback(new Error('invalid user or password'))
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = []
        stream.on('data', (chunk: Buffer) => chunks.push(chunk))
        stream.on('end', () => {
          for (const recipient of session.envelope.rcptTo) {
            this.receive(recipient.address, Buffer.concat(chunks).toString('utf8'))
          }
          callback()
        })
      },
    })
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve))
    this.port = (this.server.server.address() as AddressInfo).port
    return this
  }

  /** relay.yaml's `directory.signup.email` for this server (plain SMTP on loopback). */
  relaySection(password: PasswordSource) {
    return {
      from: 'TokenIM relay <no-reply@relay.test>',
      smtp: {
        host: '127.0.0.1',
        port: this.port,
        security: 'none' as const,
        user: this.user,
        ...password,
      },
    }
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }
}

/** An HTTP SMS gateway: POST {to, text} with the bearer token; `failWith` makes it refuse. */
export class TestSmsGateway extends CodeInbox {
  url = ''
  failWith?: number
  readonly authorizations: string[] = []
  private readonly server = createServer((request, response) => {
    void readBody(request).then((body) => {
      this.authorizations.push(request.headers.authorization ?? '')
      if (this.failWith != null) {
        response.writeHead(this.failWith).end()
        return
      }
      const { to, text } = JSON.parse(body) as { to: string; text: string }
      this.receive(to, text)
      response.writeHead(202, { 'content-type': 'application/json' }).end('{"queued":true}')
    })
  })

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve))
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/send`
    return this
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve())
      this.server.closeAllConnections()
    })
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}
