/**
 * `tokenim register NAME` on a relay with a sign-up policy: asks what the relay requires
 * (nothing for a name this identity holds there; a name someone else holds fails at once),
 * and walks the person through it — an e-mail address or phone number, then the code that
 * arrives (asked again after a wrong one, while the relay allows tries), or the URL of the
 * OpenID login to open, waiting until it completes — then claims the name with it.
 * Questions and progress go to stderr, so `--json` output stays the result alone.
 */
import { createInterface, type Interface } from 'node:readline/promises'
import { setTimeout as delay } from 'node:timers/promises'
import type {
  NameView,
  SignupMethod,
  SignupPolicyView,
  VerificationView,
} from '../../../protocol/local-api.ts'
import type { LocalApiClient } from '../../api-client.ts'
import { ApiRequestError, UsageError } from '../../errors.ts'
import { nameStanding } from '../../signup-precheck.ts'

export interface RegisterFlowOptions {
  relay?: string
  invite?: string
  /** Answers given up front instead of asked. */
  email?: string
  phone?: string
  oidc?: boolean
}

/** How often the CLI asks whether an OpenID login completed. */
const LOGIN_POLL_MS = 2_000

const ASKED: Record<'email' | 'sms', { what: string; prompt: string }> = {
  email: { what: 'a code sent to your e-mail address', prompt: 'E-mail address: ' },
  sms: { what: 'a code sent to your phone', prompt: 'Phone number, with country code (+44...): ' },
}

export async function registerWithPolicy(
  client: LocalApiClient,
  name: string,
  options: RegisterFlowOptions,
): Promise<NameView> {
  const policy = await client.signupPolicy(options.relay)
  if (
    policy.methods.length === 0 ||
    (await nameStanding(client, name, policy.relayPeerId)) === 'renewal'
  ) {
    return client.registerName({ name, relay: options.relay, inviteCode: options.invite })
  }
  const prompt = new LinePrompt()
  try {
    const method = await chooseMethod(policy, options, prompt)
    const claim = (verification: { id: string; code?: string }) =>
      client.registerName({
        name,
        relay: policy.relayPeerId,
        inviteCode: options.invite,
        verification,
      })
    if (method === 'oidc') return await loginThenClaim(client, policy, claim)
    return await codeThenClaim(client, policy, method, options, prompt, claim)
  } finally {
    prompt.close()
  }
}

async function chooseMethod(
  policy: SignupPolicyView,
  options: RegisterFlowOptions,
  prompt: LinePrompt,
): Promise<SignupMethod> {
  const given: SignupMethod[] = []
  if (options.email != null) given.push('email')
  if (options.phone != null) given.push('sms')
  if (options.oidc === true) given.push('oidc')
  const usable = given.filter((method) => policy.methods.includes(method))
  if (usable.length > 0) return usable[0]
  if (given.length > 0 || policy.methods.length === 1) {
    if (given.length > 0) say(`This relay does not accept ${given.join(', ')}.`)
    if (policy.methods.length === 1) return policy.methods[0]
  }
  say('This relay grants names only after one of these checks (against spam, never as identity):')
  for (const [index, method] of policy.methods.entries()) {
    say(`  ${index + 1}) ${describe(method, policy)}`)
  }
  const answer = await prompt.ask(`Choose 1-${policy.methods.length}: `)
  const chosen = policy.methods[Number(answer.trim()) - 1]
  if (chosen == null) throw new UsageError(`"${answer.trim()}" is not one of the choices`)
  return chosen
}

async function codeThenClaim(
  client: LocalApiClient,
  policy: SignupPolicyView,
  method: 'email' | 'sms',
  options: RegisterFlowOptions,
  prompt: LinePrompt,
  claim: (verification: { id: string; code?: string }) => Promise<NameView>,
): Promise<NameView> {
  say(
    `This relay requires ${ASKED[method].what} before it grants a name. It keeps only a salted hash of the ${method === 'email' ? 'address' : 'number'}, to limit names per person.`,
  )
  const address =
    (method === 'email' ? options.email : options.phone) ?? (await prompt.ask(ASKED[method].prompt))
  const ticket = await client.startVerification({ method, address, relay: policy.relayPeerId })
  say(
    `A ${policy.codeLength}-digit code was sent to ${ticket.sentTo}; it expires in ${minutesLeft(ticket)} minutes.`,
  )
  for (;;) {
    const code = (await prompt.ask('Code: ')).trim()
    try {
      return await claim({ id: ticket.id, code })
    } catch (err) {
      // A wrong code with tries left: say so and ask again; anything else ends the command.
      if (!(err instanceof ApiRequestError && /tries? left/.test(err.message))) throw err
      say(err.message)
    }
  }
}

async function loginThenClaim(
  client: LocalApiClient,
  policy: SignupPolicyView,
  claim: (verification: { id: string }) => Promise<NameView>,
): Promise<NameView> {
  let ticket = await client.startVerification({ method: 'oidc', relay: policy.relayPeerId })
  say(
    `This relay requires a login with ${policy.oidcProvider} before it grants a name (against spam; it keeps only a salted hash of your account's id).`,
  )
  say(`Open this address in a browser and log in:\n\n  ${ticket.authorizationUrl}\n`)
  say(
    `Waiting for the login to complete (it expires in ${minutesLeft(ticket)} minutes; Ctrl-C to stop)...`,
  )
  while (!ticket.completed) {
    await delay(LOGIN_POLL_MS)
    ticket = await client.verificationStatus(ticket.id, policy.relayPeerId)
  }
  say('Login complete.')
  return claim({ id: ticket.id })
}

function describe(method: SignupMethod, policy: SignupPolicyView): string {
  if (method === 'oidc') return `a login with ${policy.oidcProvider} (--oidc)`
  return `${ASKED[method].what} (${method === 'email' ? '--email' : '--phone'})`
}

function minutesLeft(ticket: VerificationView): number {
  return Math.max(1, Math.round((ticket.expiresAt - Date.now()) / 60_000))
}

function say(line: string): void {
  process.stderr.write(`${line}\n`)
}

/** One line at a time from stdin (a terminal or a pipe), through one readline interface. */
class LinePrompt {
  private lines?: Interface
  private ended = false

  async ask(question: string): Promise<string> {
    if (this.lines == null) {
      this.lines = createInterface({ input: process.stdin, output: process.stderr })
      this.lines.once('close', () => {
        this.ended = true
      })
    }
    const lines = this.lines
    if (this.ended) throw new UsageError('no more input to answer with')
    const ended = new Promise<never>((_, reject) =>
      lines.once('close', () => reject(new UsageError('the input ended before an answer'))),
    )
    return Promise.race([lines.question(question), ended])
  }

  close(): void {
    this.lines?.close()
  }
}
