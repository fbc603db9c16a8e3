/**
 * Sign-up policies against the real parts they talk to, started here: an SMTP server that
 * receives the code e-mails and an HTTP SMS gateway; the relay is a real libp2p host with
 * the directory and its LevelDB store, the claimants real libp2p nodes over TCP.
 */
import { readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { CLAIM_ACTION_REGISTER, signClaimProof, wireBytes } from '../../protocol/directory.ts'
import type { DirectoryPolicy } from '../../relay/directory/index.ts'
import { AddressHasher } from '../../relay/directory/signup/address-hash.ts'
import { anchorSecretFiles } from '../../relay/directory/signup/config-schema.ts'
import { SIGNUP_SECRET_FILE, signupSchema } from '../../relay/directory/signup/index.ts'
import { startClaimant, startDirectoryRelay } from '../helpers/directory-host.ts'
import { findOnDisk } from '../helpers/disk-scan.ts'
import { completeLogin, TestOidcProvider } from '../helpers/oidc-parts.ts'
import { TestSmsGateway, TestSmtpServer } from '../helpers/signup-parts.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** A relay whose directory requires `signup` (relay.yaml's directory.signup, as YAML gives it). */
async function signupRelay(signup: unknown, policy: Partial<DirectoryPolicy> = {}) {
  const dir = await makeTempDir('tokenim-signup-config-')
  cleanups.push(() => dir.remove())
  const config = anchorSecretFiles(signupSchema.parse(signup), dir.path)
  return startDirectoryRelay(cleanups, { policy: { ...policy, signup: config } })
}

function claimant() {
  return startClaimant(cleanups)
}

async function smtpServer(): Promise<TestSmtpServer> {
  const server = await new TestSmtpServer({ user: 'relay', password: 'smtp-secret-1' }).start()
  cleanups.push(() => server.close())
  return server
}

/** relay.yaml's signup section for e-mail codes through `smtp`, the password in a file. */
async function emailSignup(smtp: TestSmtpServer, extra: Record<string, unknown> = {}) {
  const dir = await makeTempDir('tokenim-signup-secret-')
  cleanups.push(() => dir.remove())
  const passwordFile = join(dir.path, 'smtp-password')
  await writeFile(passwordFile, 'smtp-secret-1\n', { mode: 0o600 })
  return {
    require: 'email',
    email: smtp.relaySection({ passwordFile }),
    ...extra,
  }
}

/** `attempt` fails with the error class `name`, its message containing `fragment`. */
async function refused(attempt: Promise<unknown>, name: string, fragment: string): Promise<void> {
  await expect(attempt).rejects.toMatchObject({ name, message: expect.stringContaining(fragment) })
}

const RATES = { registrationsPerPeerPerHour: 50, lookupsPerPeerPerMinute: 120 }

describe('sign-up by e-mail code', () => {
  it('grants a name only after the code from the e-mail; a wrong code is refused, the code is single use', async () => {
    const smtp = await smtpServer()
    const relay = await signupRelay(await emailSignup(smtp), { rateLimits: RATES })
    const alice = await claimant()
    const bob = await claimant()

    await expect(alice.client.register(relay.target, 'alice')).rejects.toMatchObject({
      name: 'VerificationRequiredError',
      methods: ['email'],
    })
    expect(await alice.client.signupPolicy(relay.target)).toMatchObject({
      methods: ['email'],
      codeLength: 6,
    })

    const ticket = await alice.client.startVerification(
      relay.target,
      'email',
      ' Alice+chat@Example.ORG ',
    )
    expect(ticket).toMatchObject({ method: 'email', sentTo: 'a…@example.org' })
    // Sent as given (trimmed), through the SMTP login with the password read from its file.
    const code = await smtp.codeFor('Alice+chat@Example.ORG')
    expect(code).toMatch(/^\d{6}$/)
    expect(smtp.logins).toEqual([{ user: 'relay', password: 'smtp-secret-1' }])

    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0')
    await expect(
      alice.client.register(relay.target, 'alice', {
        verification: { id: ticket.id, code: wrong },
      }),
    ).rejects.toMatchObject({
      name: 'ClaimRefusedError',
      message: expect.stringContaining('4 tries left'),
    })
    // Another peer cannot use alice's verification, even with the right code.
    await expect(
      bob.client.register(relay.target, 'bob', { verification: { id: ticket.id, code } }),
    ).rejects.toMatchObject({ name: 'ClaimRefusedError' })
    await expect(bob.client.lookup(relay.target, 'alice')).rejects.toMatchObject({
      name: 'NameNotFoundError',
    })

    const granted = await alice.client.register(relay.target, 'alice', {
      verification: { id: ticket.id, code },
    })
    expect(granted.name).toBe('alice')
    expect((await bob.client.lookup(relay.target, 'alice')).name).toBe('alice')
    // Renewal needs no verification; the spent code does not work a second time.
    expect((await alice.client.register(relay.target, 'alice')).name).toBe('alice')
    await alice.client.release(relay.target, 'alice')
    await expect(
      alice.client.register(relay.target, 'alice2', { verification: { id: ticket.id, code } }),
    ).rejects.toMatchObject({
      name: 'ClaimRefusedError',
      message: expect.stringContaining('expired'),
    })
    const metrics = await relay.registry.metrics()
    expect(metrics).toContain('tokenim_directory_rejections_total{reason="unauthorized"} 3')
    expect(metrics).toContain('tokenim_directory_verifications_started_total{method="email"} 1')
    expect(metrics).toContain('tokenim_directory_verifications_redeemed_total{method="email"} 1')
  })

  it('refuses a second name for the same address (limit 1) and stores only its keyed hash', async () => {
    const smtp = await smtpServer()
    const relay = await signupRelay(await emailSignup(smtp), { rateLimits: RATES })
    const alice = await claimant()
    const bob = await claimant()

    const first = await alice.client.startVerification(relay.target, 'email', 'carol@example.org')
    const firstCode = await smtp.codeFor('carol@example.org')
    await alice.client.register(relay.target, 'alice', {
      verification: { id: first.id, code: firstCode },
    })

    // The same mailbox written differently is the same address.
    const second = await bob.client.startVerification(relay.target, 'email', 'Carol+2@EXAMPLE.org')
    const secondCode = await smtp.codeFor('Carol+2@EXAMPLE.org')
    await expect(
      bob.client.register(relay.target, 'bob', {
        verification: { id: second.id, code: secondCode },
      }),
    ).rejects.toMatchObject({
      name: 'AlreadyRegisteredError',
      message: expect.stringContaining('e-mail address already holds a name'),
    })

    // Once alice gives her name up, the address is free for another identity.
    await alice.client.release(relay.target, 'alice')
    const third = await bob.client.startVerification(relay.target, 'email', 'carol@example.org')
    const thirdCode = await smtp.codeFor('carol@example.org', 2)
    expect(
      (
        await bob.client.register(relay.target, 'bob', {
          verification: { id: third.id, code: thirdCode },
        })
      ).name,
    ).toBe('bob')

    const secretPath = join(relay.dataDir, SIGNUP_SECRET_FILE)
    expect((await stat(secretPath)).mode & 0o777).toBe(0o600)
    const secret = Buffer.from((await readFile(secretPath, 'utf8')).trim(), 'hex')
    const hash = new AddressHasher(secret).hash('email', 'carol@example.org')
    expect(await findOnDisk(join(relay.dataDir, 'db'), ['carol', 'example.org', 'Carol'])).toEqual(
      [],
    )
    expect((await findOnDisk(join(relay.dataDir, 'db'), [hash])).length).toBeGreaterThan(0)
  })

  it('counts wrong codes towards the lockout', async () => {
    const smtp = await smtpServer()
    const relay = await signupRelay(await emailSignup(smtp), {
      rateLimits: RATES,
      lockout: { failures: 3, window: 600_000, duration: 600_000 },
    })
    const mallory = await claimant()
    const ticket = await mallory.client.startVerification(relay.target, 'email', 'm@example.org')
    const code = await smtp.codeFor('m@example.org')
    const wrong = code === '000000' ? '000001' : '000000'
    for (let i = 0; i < 3; i++) {
      await expect(
        mallory.client.register(relay.target, 'mallory', {
          verification: { id: ticket.id, code: wrong },
        }),
      ).rejects.toMatchObject({ name: 'ClaimRefusedError' })
    }
    await expect(
      mallory.client.register(relay.target, 'mallory', { verification: { id: ticket.id, code } }),
    ).rejects.toMatchObject({
      name: 'RateLimitedError',
      message: expect.stringContaining('locked out'),
    })
  })

  it('tells a node that predates sign-up policies what the relay requires', async () => {
    const smtp = await smtpServer()
    const relay = await signupRelay(await emailSignup(smtp))
    const old = await claimant()
    // An old node answers the challenge as it always did: no verification.
    const channel = await old.client.open(relay.target)
    await channel.send({ register: { name: 'oldtimer' } })
    const { challenge } = await channel.receive()
    expect(challenge?.verification).toEqual(['email'])
    const proof = signClaimProof(old.identity, {
      challenge: challenge!.nonce,
      name: 'oldtimer',
      relayPublicKey: relay.target.peerId.publicKey!.raw,
      action: CLAIM_ACTION_REGISTER,
    })
    await channel.send({
      answer: {
        proof: wireBytes(proof),
        workNonce: new Uint8Array(0),
        inviteCode: '',
        verificationId: new Uint8Array(0),
        verificationCode: '',
      },
    })
    const failure = (await channel.receiveRaw()).failure
    expect(failure?.code).toBe('verification-required')
    expect(failure?.message).toMatch(/only after a code sent to your e-mail address.*update it/)
  })

  it('says so when the SMTP server cannot be reached, and sends nothing', async () => {
    const smtp = await smtpServer()
    const signup = await emailSignup(smtp)
    await smtp.close()
    cleanups.pop()
    const relay = await signupRelay(signup)
    const alice = await claimant()
    await refused(
      alice.client.startVerification(relay.target, 'email', 'alice@example.org'),
      'DirectoryUnavailableError',
      'could not send',
    )
    await refused(
      alice.client.startVerification(relay.target, 'email', 'not an address'),
      'DirectoryRequestError',
      'not an e-mail address',
    )
  })
})

describe('sign-up by phone code', () => {
  async function smsRelay() {
    const gateway = await new TestSmsGateway().start()
    cleanups.push(() => gateway.close())
    process.env.TOKENIM_TEST_SMS_TOKEN = 'gateway-token-1'
    cleanups.push(async () => {
      delete process.env.TOKENIM_TEST_SMS_TOKEN
    })
    const relay = await signupRelay(
      { require: ['sms'], sms: { webhook: gateway.url, tokenEnv: 'TOKENIM_TEST_SMS_TOKEN' } },
      { rateLimits: RATES },
    )
    return { gateway, relay }
  }

  it('texts the code through the gateway, grants the name after it, one name per number', async () => {
    const { gateway, relay } = await smsRelay()
    const alice = await claimant()
    const bob = await claimant()

    const ticket = await alice.client.startVerification(relay.target, 'sms', '+44 20 7946-0958')
    expect(ticket).toMatchObject({ method: 'sms', sentTo: '+44…58' })
    const code = await gateway.codeFor('+442079460958')
    expect(gateway.authorizations).toEqual(['Bearer gateway-token-1'])
    const wrong = code === '000000' ? '000001' : '000000'
    await expect(
      alice.client.register(relay.target, 'alice', {
        verification: { id: ticket.id, code: wrong },
      }),
    ).rejects.toMatchObject({ name: 'ClaimRefusedError' })
    await expect(alice.client.lookup(relay.target, 'alice')).rejects.toMatchObject({
      name: 'NameNotFoundError',
    })
    await alice.client.register(relay.target, 'alice', { verification: { id: ticket.id, code } })
    expect((await bob.client.lookup(relay.target, 'alice')).name).toBe('alice')

    const again = await bob.client.startVerification(relay.target, 'sms', '+442079460958')
    const againCode = await gateway.codeFor('+442079460958', 2)
    await expect(
      bob.client.register(relay.target, 'bob', { verification: { id: again.id, code: againCode } }),
    ).rejects.toMatchObject({
      name: 'AlreadyRegisteredError',
      message: expect.stringContaining('phone number already holds a name'),
    })
    expect(await findOnDisk(relay.dataDir, ['2079460958', '7946'])).toEqual([])
    expect(await relay.registry.metrics()).toContain(
      'tokenim_directory_rejections_total{reason="unauthorized"} 1',
    )
  })

  it('sends at most 3 codes an hour to one number, whoever asks', async () => {
    const { gateway, relay } = await smsRelay()
    for (let i = 0; i < 3; i++) {
      const asker = await claimant()
      await asker.client.startVerification(relay.target, 'sms', '+15551234567')
    }
    const fourth = await claimant()
    await refused(
      fourth.client.startVerification(relay.target, 'sms', '+1 555 123 4567'),
      'RateLimitedError',
      'codes were sent there within the hour',
    )
    expect(gateway.received).toHaveLength(3)
  })

  it('reports a gateway that refuses, and a number that is not in international form', async () => {
    const { gateway, relay } = await smsRelay()
    const alice = await claimant()
    gateway.failWith = 503
    await refused(
      alice.client.startVerification(relay.target, 'sms', '+15551234567'),
      'DirectoryUnavailableError',
      'HTTP 503',
    )
    await refused(
      alice.client.startVerification(relay.target, 'sms', '555 1234'),
      'DirectoryRequestError',
      'international form',
    )
    await refused(
      alice.client.startVerification(relay.target, 'email', 'a@example.org'),
      'DirectoryRequestError',
      'accepts sms',
    )
  })
})

describe('sign-up by OpenID login', () => {
  async function oidcRelay() {
    const provider = await new TestOidcProvider().listen()
    cleanups.push(() => provider.close())
    const relay = await signupRelay(
      {
        require: ['oidc'],
        oidc: provider.relaySection(),
      },
      { rateLimits: RATES },
    )
    const callback = relay.directory.signupCallbackUrl!
    provider.configure(callback)
    return { provider, relay, callback }
  }

  it('grants the name only after the login completes, one name per account, the subject only hashed', async () => {
    const { provider, relay, callback } = await oidcRelay()
    const alice = await claimant()
    const bob = await claimant()
    expect(await alice.client.signupPolicy(relay.target)).toMatchObject({
      methods: ['oidc'],
      oidcProvider: 'Test Accounts',
    })

    const ticket = await alice.client.startVerification(relay.target, 'oidc', '')
    const url = new URL(ticket.authorizationUrl)
    expect(url.origin).toBe(provider.issuer)
    expect(url.searchParams.get('code_challenge_method')).toBe('S256')
    expect(url.searchParams.get('redirect_uri')).toBe(callback)
    // Before the login: not granted, and not counted as a guess.
    await refused(
      alice.client.register(relay.target, 'alice', { verification: { id: ticket.id } }),
      'VerificationRequiredError',
      'has not completed yet',
    )
    expect((await alice.client.verificationStatus(relay.target, ticket.id)).completed).toBe(false)
    // A browser coming back with a state the relay never issued completes nothing.
    const forged = await fetch(`${callback}?code=abc&state=forged`)
    expect(forged.status).toBe(400)
    expect(await forged.text()).toContain('unknown or expired')

    const landed = await completeLogin(ticket.authorizationUrl, callback)
    expect(landed.status).toBe(200)
    expect(await landed.text()).toContain('Login complete')
    expect((await alice.client.verificationStatus(relay.target, ticket.id)).completed).toBe(true)
    // Bound to alice's peer: bob cannot present it.
    await refused(
      bob.client.register(relay.target, 'bob', { verification: { id: ticket.id } }),
      'ClaimRefusedError',
      'unknown or expired',
    )
    expect(
      (await alice.client.register(relay.target, 'alice', { verification: { id: ticket.id } }))
        .name,
    ).toBe('alice')

    // The same provider account for a second identity: refused at limit 1.
    const second = await bob.client.startVerification(relay.target, 'oidc', '')
    await completeLogin(second.authorizationUrl, callback)
    await refused(
      bob.client.register(relay.target, 'bob', { verification: { id: second.id } }),
      'AlreadyRegisteredError',
      'account already holds a name',
    )
    // Another account is another person.
    provider.account = 'bob-account'
    const third = await bob.client.startVerification(relay.target, 'oidc', '')
    await completeLogin(third.authorizationUrl, callback)
    expect(
      (await bob.client.register(relay.target, 'bob', { verification: { id: third.id } })).name,
    ).toBe('bob')
    expect(await findOnDisk(relay.dataDir, ['alice-account', 'bob-account'])).toEqual([])
    expect(await relay.registry.metrics()).toContain(
      'tokenim_directory_rejections_total{reason="unauthorized"} 1',
    )
  })

  it('says so when the provider cannot be reached', async () => {
    const { provider, relay } = await oidcRelay()
    await provider.close()
    const alice = await claimant()
    await refused(
      alice.client.startVerification(relay.target, 'oidc', ''),
      'DirectoryUnavailableError',
      'cannot reach Test Accounts',
    )
  })
})
