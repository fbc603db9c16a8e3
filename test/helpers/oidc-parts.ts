/**
 * A real OpenID Connect provider (oidc-provider) in process for sign-up tests, and a
 * browser stand-in that completes a login through HTTP alone: it follows the provider's
 * redirects with its cookies, and where the provider asks for a login or for consent, the
 * provider's interaction handler here answers for `account` (the person typing a password
 * and clicking "allow").
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import Provider from 'oidc-provider'

const CLIENT_ID = 'tokenim-relay'
const CLIENT_SECRET = 'oidc-client-secret'

export class TestOidcProvider {
  issuer = ''
  /** The account the next login is for. */
  account = 'alice-account'
  private provider?: Provider
  private readonly server = createServer((request, response) => {
    void this.serve(request, response).catch((err: Error) => {
      response.writeHead(500).end(err.message)
    })
  })

  /** Listens first, so the issuer URL is known before the relay (and its callback) starts. */
  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve))
    this.issuer = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
    return this
  }

  /** relay.yaml's `directory.signup.oidc` for this provider, the callback on a free loopback port. */
  relaySection() {
    return {
      name: 'Test Accounts',
      issuer: this.issuer,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      listen: { host: '127.0.0.1', port: 0 },
      allowInsecureIssuer: true,
    }
  }

  /** Registers the relay as a client, with the callback its listener got. */
  configure(redirectUri: string): void {
    this.provider = new Provider(this.issuer, {
      clients: [
        {
          client_id: CLIENT_ID,
          client_secret: CLIENT_SECRET,
          redirect_uris: [redirectUri],
          grant_types: ['authorization_code'],
          response_types: ['code'],
        },
      ],
      pkce: { required: () => true },
      findAccount: (_context: unknown, sub: string) => ({
        accountId: sub,
        claims: () => ({ sub }),
      }),
      features: { devInteractions: { enabled: false } },
    })
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve())
      this.server.closeAllConnections()
    })
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const provider = this.provider
    if (provider == null) throw new Error('the provider has no client yet')
    if (!(request.url ?? '').startsWith('/interaction/')) {
      provider.callback()(request, response)
      return
    }
    const details = await provider.interactionDetails(request, response)
    if (details.prompt.name === 'login') {
      await provider.interactionFinished(request, response, { login: { accountId: this.account } })
      return
    }
    const grant = new provider.Grant({
      accountId: details.session?.accountId ?? this.account,
      clientId: String(details.params.client_id),
    })
    grant.addOIDCScope('openid')
    await provider.interactionFinished(
      request,
      response,
      { consent: { grantId: await grant.save() } },
      { mergeWithLastSubmission: true },
    )
  }
}

/**
 * Opens `url` as a browser would, following redirects with the provider's cookies, until
 * it reaches `until` (the relay's callback), whose answer it returns.
 */
export async function completeLogin(url: string, until: string): Promise<Response> {
  const cookies = new Map<string, string>()
  let next = new URL(url)
  for (let hop = 0; hop < 20; hop++) {
    if (next.href.startsWith(until)) return fetch(next)
    const response = await fetch(next, {
      redirect: 'manual',
      headers: { cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') },
    })
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const at = pair.indexOf('=')
      cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1))
    }
    const location = response.headers.get('location')
    await response.body?.cancel()
    if (location == null)
      throw new Error(`the login stopped at ${next.href} (HTTP ${response.status})`)
    next = new URL(location, next)
  }
  throw new Error('the login went round in circles')
}
