/**
 * A login with the OpenID Connect provider the operator names, as sign-up proof: the
 * authorization code flow with PKCE and a nonce (openid-client), the browser sent back to
 * a listener of the relay's own (`GET /signup/oidc/callback` only), where the code is
 * exchanged and the ID token checked. What comes out is the provider's issuer and subject,
 * which the verifier hashes at once; no token is kept.
 *
 * Why a listener of its own: the operations endpoint (/metrics, /health) stays on loopback
 * and changes nothing, while this callback must be reachable from people's browsers and
 * completes logins. The provider is discovered on first use (and again after a failure),
 * so the relay starts even while the provider is down.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Logger } from '@libp2p/interface'
import * as openid from 'openid-client'
import { DirectoryError, DirectoryUnavailableError } from '../../../protocol/directory-errors.ts'
import type { SignupConfig } from './config-schema.ts'

/** What a login in progress keeps (in memory, with its pending verification). */
export interface OidcLoginState {
  state: string
  nonce: string
  codeVerifier: string
  authorizationUrl: string
}

/** Called by the callback listener with the `state` the browser came back with. */
export type LoginCompletion = (
  state: string,
  finish: (login: OidcLoginState) => Promise<string>,
) => Promise<void>

export const OIDC_CALLBACK_PATH = '/signup/oidc/callback'
/** Discovery and the token exchange must finish within this, in seconds (openid-client's unit). */
const PROVIDER_TIMEOUT_S = 8
/** Browsers connected to the callback listener at once. */
const MAX_CALLBACK_CONNECTIONS = 256

export class OpenIdLogin {
  readonly providerName: string
  private readonly config: NonNullable<SignupConfig['oidc']>
  private readonly clientSecret?: string
  private readonly log: Logger
  private provider?: Promise<openid.Configuration>
  private server?: Server
  private redirectUri?: string

  constructor(
    config: NonNullable<SignupConfig['oidc']>,
    clientSecret: string | undefined,
    log: Logger,
  ) {
    this.config = config
    this.clientSecret = clientSecret
    this.log = log
    this.providerName = config.name
  }

  /** Where the provider sends browsers back, once the listener runs. */
  get callbackUrl(): string | undefined {
    return this.redirectUri
  }

  async start(complete: LoginCompletion): Promise<void> {
    const server = createServer((request, response) => {
      void this.answer(request, response, complete)
    })
    server.maxConnections = MAX_CALLBACK_CONNECTIONS
    const { host, port } = this.config.listen
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, host, () => {
        server.off('error', reject)
        resolve()
      })
    })
    this.server = server
    const bound = server.address() as AddressInfo
    const shown = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address
    this.redirectUri =
      this.config.redirectUri ?? `http://${shown}:${bound.port}${OIDC_CALLBACK_PATH}`
    this.log(
      'OpenID callback for %s listening, browsers return to %s',
      this.providerName,
      this.redirectUri,
    )
  }

  async stop(): Promise<void> {
    const server = this.server
    this.server = undefined
    if (server == null) return
    await new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
  }

  async begin(): Promise<OidcLoginState> {
    const provider = await this.discover()
    const codeVerifier = openid.randomPKCECodeVerifier()
    const state = openid.randomState()
    const nonce = openid.randomNonce()
    const url = openid.buildAuthorizationUrl(provider, {
      redirect_uri: this.redirectUri ?? '',
      scope: 'openid',
      code_challenge: await openid.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    })
    return { state, nonce, codeVerifier, authorizationUrl: url.href }
  }

  private discover(): Promise<openid.Configuration> {
    this.provider ??= openid
      .discovery(new URL(this.config.issuer), this.config.clientId, this.clientSecret, undefined, {
        execute: this.config.allowInsecureIssuer ? [openid.allowInsecureRequests] : [],
        timeout: PROVIDER_TIMEOUT_S,
      })
      .catch((err: Error) => {
        this.provider = undefined
        this.log.error('OpenID discovery at %s failed - %s', this.config.issuer, err.message)
        throw new DirectoryUnavailableError(
          `the relay cannot reach ${this.providerName} to start the login; try again later`,
        )
      })
    return this.provider
  }

  /** The provider's answer for one login: the account as "issuer NUL subject". */
  private async exchange(current: URL, login: OidcLoginState): Promise<string> {
    const provider = await this.discover()
    const tokens = await openid.authorizationCodeGrant(provider, current, {
      pkceCodeVerifier: login.codeVerifier,
      expectedState: login.state,
      expectedNonce: login.nonce,
      idTokenExpected: true,
    })
    const subject = tokens.claims()?.sub
    if (subject == null || subject === '') throw new Error('the ID token names no subject')
    return `${provider.serverMetadata().issuer}\0${subject}`
  }

  private async answer(
    request: IncomingMessage,
    response: ServerResponse,
    complete: LoginCompletion,
  ): Promise<void> {
    const current = new URL(request.url ?? '/', this.redirectUri)
    if (request.method !== 'GET' || current.pathname !== new URL(this.redirectUri ?? '').pathname) {
      page(response, 404, 'Not found', 'This address only completes TokenIM sign-up logins.')
      return
    }
    const refused = current.searchParams.get('error')
    if (refused != null) {
      const detail = current.searchParams.get('error_description') ?? refused
      page(
        response,
        400,
        'Login not completed',
        `${this.providerName} said: ${detail}. Start again from TokenIM.`,
      )
      return
    }
    try {
      await complete(current.searchParams.get('state') ?? '', (login) =>
        this.exchange(current, login),
      )
      page(
        response,
        200,
        'Login complete',
        'You can close this window and return to TokenIM, which registers your name now.',
      )
    } catch (err) {
      const known = err instanceof DirectoryError
      if (!known) this.log.error('completing an OpenID login failed - %s', (err as Error).message)
      const message = known
        ? (err as Error).message
        : `${this.providerName}'s answer could not be checked; start again from TokenIM.`
      page(response, 400, 'Login not completed', message)
    }
  }
}

function page(response: ServerResponse, status: number, title: string, text: string): void {
  const body = `<!doctype html><meta charset="utf-8"><title>${escapeHtml(title)}</title><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>\n`
  response.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'",
    'referrer-policy': 'no-referrer',
  })
  response.end(body)
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)
}
