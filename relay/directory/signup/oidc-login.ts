/**
 * What the sign-up verifier needs of a login with the OpenID Connect provider the operator
 * names: a login to begin (its state, nonce, PKCE verifier and the URL the person opens),
 * and a callback listener that completes it.
 */

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

export interface OidcLogin {
  readonly providerName: string
  begin(): Promise<OidcLoginState>
  start(complete: LoginCompletion): Promise<void>
  stop(): Promise<void>
}
