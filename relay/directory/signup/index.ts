/**
 * Sign-up policies: what a relay may require before it grants a name, against spam and
 * never as identity — a code sent by e-mail (SMTP) or by text message (the operator's HTTP
 * gateway), or a login with an OpenID Connect provider. The relay keeps only salted hashes
 * of addresses and accounts, to limit names per address. Design notes: doc/usernames.md.
 *
 * @example
 * ```ts
 * const signup = await loadSignupSetup(config.directory.signup, dataDir)
 * directoryServer({ store, policy: config.directory, signup }) // builds the SignupVerifier
 * ```
 */
import { loadOrCreateSignupSecret } from './address-hash.ts'
import type { SignupConfig } from './config-schema.ts'
import { readSecret } from './secrets.ts'

/** What a verifier needs that is read from disk or the environment, read once at start. */
export interface SignupSetup {
  config: SignupConfig
  /** The relay's sign-up secret (address-hash.ts). */
  secret: Uint8Array
  smtpPassword?: string
  smsToken?: string
  oidcClientSecret?: string
}

/**
 * Reads the sign-up secret (creating it in `dataDir`) and the secrets `config` names;
 * undefined when the relay requires no verification.
 * @throws InvalidConfigError naming the field when a secret cannot be read
 */
export async function loadSignupSetup(
  config: SignupConfig | undefined,
  dataDir: string,
): Promise<SignupSetup | undefined> {
  if (config == null || config.require.length === 0) return undefined
  const where = 'directory.signup'
  return {
    config,
    secret: await loadOrCreateSignupSecret(dataDir),
    smtpPassword:
      config.email && (await readSecret(config.email.smtp, 'password', `${where}.email.smtp`)),
    smsToken: config.sms && (await readSecret(config.sms, 'token', `${where}.sms`)),
    oidcClientSecret:
      config.oidc && (await readSecret(config.oidc, 'clientSecret', `${where}.oidc`)),
  }
}

export { SIGNUP_SECRET_FILE } from './address-hash.ts'
export {
  SIGNUP_METHODS,
  type SignupConfig,
  type SignupMethod,
  signupSchema,
} from './config-schema.ts'
export { SignupVerifier } from './signup-verifier.ts'
