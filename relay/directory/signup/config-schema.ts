/**
 * The `directory.signup:` section of relay.yaml: what a claimant must verify before the
 * relay grants a name. Anti-spam only: an e-mail address, a phone number or a login at
 * another provider limits how many names one person makes; none of it becomes anyone's
 * identity, and the relay keeps only salted hashes of them (address-hash.ts).
 *
 * Secrets (the SMTP password, the SMS gateway's token, the OpenID client secret) may be
 * given inline, from an environment variable (`…Env`) or from a file (`…File`, relative to
 * the config file); they are read when the relay starts (secrets.ts).
 */
import { resolve } from 'node:path'
import { z } from 'zod'

export const SIGNUP_METHODS = ['email', 'sms', 'oidc'] as const
export type SignupMethod = (typeof SIGNUP_METHODS)[number]

/** `password`, `passwordEnv`, `passwordFile` (or `token…`, `clientSecret…`): at most one. */
function secretFields<K extends string>(key: K) {
  return {
    [key]: z.string().min(1).optional(),
    [`${key}Env`]: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a variable name')
      .optional(),
    [`${key}File`]: z.string().min(1).optional(),
  } as Record<K | `${K}Env` | `${K}File`, z.ZodOptional<z.ZodString>>
}

function atMostOneSecret(key: string) {
  return (section: Record<string, unknown>, context: z.RefinementCtx) => {
    const given = [key, `${key}Env`, `${key}File`].filter((field) => section[field] != null)
    if (given.length > 1) {
      context.addIssue({
        code: 'custom',
        path: [given[1]],
        message: `give only one of ${given.join(', ')}`,
      })
    }
  }
}

const emailSchema = z
  .object({
    /** The sender, e.g. `TokenIM relay <no-reply@example.org>`. */
    from: z.string().min(3),
    subject: z.string().min(1).default('Your TokenIM sign-up code'),
    smtp: z
      .object({
        host: z.string().min(1),
        port: z.number().int().min(1).max(65_535).default(587),
        /** tls: TLS from the first byte (port 465); starttls: upgrade, required; none: plain (a local relay only). */
        security: z.enum(['starttls', 'tls', 'none']).default('starttls'),
        user: z.string().min(1).optional(),
        ...secretFields('password'),
      })
      .strict()
      .superRefine(atMostOneSecret('password')),
  })
  .strict()

const smsSchema = z
  .object({
    /** The operator's gateway: receives POST {"to": "+15551234567", "text": "..."} as JSON. */
    webhook: z.url({ protocol: /^https?$/ }),
    ...secretFields('token'),
  })
  .strict()
  .superRefine(atMostOneSecret('token'))

const oidcSchema = z
  .object({
    /** Shown to users: "log in with <name>". */
    name: z.string().min(1),
    issuer: z.url({ protocol: /^https?$/ }),
    clientId: z.string().min(1),
    ...secretFields('clientSecret'),
    /** The listener the provider redirects browsers to (GET /signup/oidc/callback only). */
    listen: z
      .object({
        host: z.string().min(1).default('0.0.0.0'),
        port: z.number().int().min(0).max(65_535).default(4003),
      })
      .strict()
      .prefault({}),
    /** The callback as browsers reach it; @default http://<listen.host>:<port>/signup/oidc/callback */
    redirectUri: z.url({ protocol: /^https?$/ }).optional(),
    /** Accept an issuer on plain http: for a provider on the same machine in tests only. */
    allowInsecureIssuer: z.boolean().default(false),
  })
  .strict()
  .superRefine(atMostOneSecret('clientSecret'))

export const signupSchema = z
  .object({
    /** Verifications of which a claimant must pass one before a new name is granted. */
    require: z
      .union([z.enum(SIGNUP_METHODS), z.array(z.enum(SIGNUP_METHODS))])
      .default([])
      .transform((value) => [...new Set(typeof value === 'string' ? [value] : value)]),
    /** Names that one e-mail address, phone number or provider account may hold at once. */
    namesPerAddress: z.number().int().min(1).default(1),
    /** Digits of an e-mail or phone code. */
    codeLength: z.number().int().min(6).max(8).default(6),
    email: emailSchema.optional(),
    sms: smsSchema.optional(),
    oidc: oidcSchema.optional(),
  })
  .strict()
  .superRefine((signup, context) => {
    for (const method of signup.require) {
      if (signup[method] == null) {
        context.addIssue({
          code: 'custom',
          path: [method],
          message: `require lists ${method}: configure its section`,
        })
      }
    }
  })

/** The parsed `directory.signup:` section. */
export type SignupConfig = z.output<typeof signupSchema>

/** The section with every secret file path made absolute from `baseDir` (the config file's folder). */
export function anchorSecretFiles(signup: SignupConfig, baseDir: string): SignupConfig {
  const { email, sms, oidc } = signup
  const anchor = (path: string | undefined) => (path == null ? undefined : resolve(baseDir, path))
  return {
    ...signup,
    email: email && {
      ...email,
      smtp: { ...email.smtp, passwordFile: anchor(email.smtp.passwordFile) },
    },
    sms: sms && { ...sms, tokenFile: anchor(sms.tokenFile) },
    oidc: oidc && { ...oidc, clientSecretFile: anchor(oidc.clientSecretFile) },
  }
}
