/**
 * `tokenim register` walks a person through a relay's sign-up policy: the built CLI as a
 * process, against a node and a relay in process, with a real SMTP server receiving the
 * code e-mail, and a real OpenID provider whose login the test completes over HTTP
 * (`npm run build` first; `npm test` does).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LocalApiClient } from '../../client/api-client.ts'
import type { NameView } from '../../protocol/local-api.ts'
import type { RelayNode } from '../../relay/index.ts'
import { interactiveCli, runCli } from '../helpers/cli.ts'
import { startLocalNode } from '../helpers/local-node.ts'
import { completeLogin, TestOidcProvider } from '../helpers/oidc-parts.ts'
import {
  createNetwork,
  type Network,
  relayAddress,
  waitForRelay,
} from '../helpers/relay-network.ts'
import { TestSmtpServer } from '../helpers/signup-parts.ts'

let network: Network
let relay: RelayNode
let smtp: TestSmtpServer
const cleanups: Array<() => Promise<void>> = []

beforeAll(async () => {
  smtp = await new TestSmtpServer({ user: 'relay', password: 'smtp-secret-2' }).start()
  process.env.TOKENIM_TEST_SMTP_PASSWORD = 'smtp-secret-2'
  network = createNetwork()
  relay = await network.relay({
    directory: {
      signup: {
        require: 'email',
        email: smtp.relaySection({ passwordEnv: 'TOKENIM_TEST_SMTP_PASSWORD' }),
      },
    },
  })
}, 30_000)

afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  await network?.close()
  await smtp?.close()
  delete process.env.TOKENIM_TEST_SMTP_PASSWORD
})

describe('tokenim register on a relay that asks for an e-mail code', () => {
  it('asks for the address, then the code, again after a wrong one, and registers', async () => {
    const alice = await startLocalNode(cleanups, { relays: [relayAddress(relay)] })
    await waitForRelay(alice.node, relay)

    const cli = interactiveCli(['register', 'alice', '--json', '--data-dir', alice.dataDir])
    await cli.waitFor('E-mail address: ')
    expect(cli.output()).toContain('requires a code sent to your e-mail address')
    cli.type('alice@example.org')
    await cli.waitFor('Code: ')
    expect(cli.output()).toMatch(
      /A 6-digit code was sent to a…@example\.org; it expires in 10 minutes/,
    )
    const code = await smtp.codeFor('alice@example.org')
    cli.type(code === '000000' ? '000001' : '000000')
    await cli.waitFor('Code: ', 2)
    expect(cli.output()).toContain('that code is wrong; 4 tries left')
    cli.type(code)
    expect(await cli.exited).toBe(0)
    expect(JSON.parse(cli.stdout()) as NameView).toMatchObject({
      name: 'alice',
      peerId: alice.node.peerId,
      relayPeerId: relay.peerId.toString(),
    })

    // Renewing her own name needs no check; a name someone holds fails before any code is sent.
    const renewed = await runCli(['register', 'alice', '--data-dir', alice.dataDir])
    expect(renewed.stdout).toContain(`registered alice@${relay.peerId}`)
    const sent = smtp.received.length
    // Through the API, a claim without the verification says what the relay requires.
    const bob = await startLocalNode(cleanups, { relays: [relayAddress(relay)] })
    await waitForRelay(bob.node, relay)
    const api = await LocalApiClient.forDataDir(bob.dataDir)
    expect(await api.signupPolicy()).toMatchObject({ methods: ['email'], codeLength: 6 })
    await expect(api.registerName({ name: 'bob' })).rejects.toMatchObject({
      name: 'VerificationRequiredError',
      status: 403,
      message: expect.stringContaining('email'),
    })
    const taken = await runCli([
      'register',
      'Alice',
      '--email',
      'bob@example.org',
      '--data-dir',
      bob.dataDir,
    ])
    expect(taken.code).toBe(1)
    expect(taken.stderr).toContain('NameTakenError: "alice" is taken on this relay')
    expect(smtp.received).toHaveLength(sent)
  }, 60_000)
})

describe('tokenim register on a relay that asks for an OpenID login', () => {
  it('prints the login URL, waits for the login to complete, and registers', async () => {
    const provider = await new TestOidcProvider().listen()
    cleanups.push(() => provider.close())
    const oidcRelay = await network.relay({
      directory: {
        signup: {
          require: 'oidc',
          oidc: provider.relaySection(),
        },
      },
    })
    const callback = oidcRelay.host.services.directory!.signupCallbackUrl!
    provider.configure(callback)
    const carol = await startLocalNode(cleanups, { relays: [relayAddress(oidcRelay)] })
    await waitForRelay(carol.node, oidcRelay)

    const cli = interactiveCli([
      'register',
      'carol',
      '--relay',
      oidcRelay.peerId.toString(),
      '--data-dir',
      carol.dataDir,
    ])
    await cli.waitFor('Waiting for the login to complete')
    expect(cli.output()).toContain('requires a login with Test Accounts')
    const url = /Open this address in a browser and log in:\s+(\S+)/.exec(cli.output())![1]
    expect((await completeLogin(url, callback)).status).toBe(200)
    expect(await cli.exited).toBe(0)
    expect(cli.stdout()).toContain(`registered carol@${oidcRelay.peerId}`)
  }, 60_000)
})
