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
import { ApiRequestError } from '../../errors.ts'
import { nameStanding } from '../../signup-precheck.ts'
import { t } from '../i18n/i18n.ts'
import { usageError } from '../worded-errors.ts'

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

const ASKED = {
  email: {
    what: 'signup.email.what',
    prompt: 'signup.email.prompt',
    hashed: 'signup.email.hashed',
  },
  sms: { what: 'signup.sms.what', prompt: 'signup.sms.prompt', hashed: 'signup.sms.hashed' },
} as const

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
    if (given.length > 0) say(t('signup.notAccepted', { methods: given.join(', ') }))
    if (policy.methods.length === 1) return policy.methods[0]
  }
  say(t('signup.choose'))
  for (const [index, method] of policy.methods.entries()) {
    say(`  ${index + 1}) ${describe(method, policy)}`)
  }
  const answer = await prompt.ask(t('signup.chooseNumber', { count: policy.methods.length }))
  const chosen = policy.methods[Number(answer.trim()) - 1]
  if (chosen == null) throw usageError('signup.notAChoice', { answer: answer.trim() })
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
  say(t('signup.requires', { what: t(ASKED[method].what), hashed: t(ASKED[method].hashed) }))
  const address =
    (method === 'email' ? options.email : options.phone) ??
    (await prompt.ask(t(ASKED[method].prompt)))
  const ticket = await client.startVerification({ method, address, relay: policy.relayPeerId })
  say(
    t('signup.codeSent', {
      digits: policy.codeLength ?? '',
      to: ticket.sentTo ?? '',
      minutes: minutesLeft(ticket),
    }),
  )
  for (;;) {
    const code = (await prompt.ask(t('signup.codePrompt'))).trim()
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
  say(t('signup.oidcRequires', { provider: policy.oidcProvider ?? '' }))
  say(`${t('signup.openAddress')}\n\n  ${ticket.authorizationUrl}\n`)
  say(t('signup.waitingLogin', { minutes: minutesLeft(ticket) }))
  while (!ticket.completed) {
    await delay(LOGIN_POLL_MS)
    ticket = await client.verificationStatus(ticket.id, policy.relayPeerId)
  }
  say(t('signup.loginComplete'))
  return claim({ id: ticket.id })
}

function describe(method: SignupMethod, policy: SignupPolicyView): string {
  if (method === 'oidc')
    return t('signup.oidcMethod', { provider: policy.oidcProvider ?? '', flag: '--oidc' })
  return `${t(ASKED[method].what)} (${method === 'email' ? '--email' : '--phone'})`
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
    if (this.ended) throw usageError('usage.noMoreInput')
    const ended = new Promise<never>((_, reject) =>
      lines.once('close', () => reject(usageError('usage.inputEnded'))),
    )
    return Promise.race([lines.question(question), ended])
  }

  close(): void {
    this.lines?.close()
  }
}
