import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { parseRelayAddresses, redialDelayMs } from '../../node/bootstrap.ts'
import { loadSignupSetup } from '../../relay/directory/signup/index.ts'
import { defaultRelayConfigYaml, loadRelayConfig, parseRelayConfig } from '../../relay/index.ts'

const PEER = '12D3KooWRBy97UB99e3J6hiPesre1MZeuNQvfan4gBziswrRJsNK'

function configError(raw: unknown): Error {
  try {
    parseRelayConfig(raw, '/srv')
  } catch (err) {
    return err as Error
  }
  throw new Error('the config was accepted')
}

describe('relay config', () => {
  it('fills every default, with durations in ms and sizes in bytes', () => {
    const config = parseRelayConfig({}, '/srv/relay')
    expect(config.dataDir).toBe('/srv/relay')
    expect(config.limits).toEqual({
      maxConnections: 1000,
      inboundConnectionThreshold: 5,
      maxIncomingPendingConnections: 10,
    })
    expect(config.circuitRelay).toMatchObject({
      reservationTtl: 7_200_000,
      durationLimit: 300_000,
      dataLimit: 1_048_576,
    })
    expect(config.metrics).toEqual({ enabled: true, host: '127.0.0.1', port: 9464 })
    expect(config.directory).toMatchObject({ registration: 'open', nameTtl: 365 * 86_400_000 })
  })

  it('reads the directory abuse knobs, durations included', () => {
    const { directory } = parseRelayConfig(
      {
        dataDir: '/data',
        directory: {
          graceTtl: '2d',
          rateLimits: { searchesPerPeerPerMinute: 5, perIpMultiplier: 3 },
          lockout: { window: '5m' },
        },
      },
      '/',
    )
    expect(directory.graceTtl).toBe(2 * 86_400_000)
    expect(directory.rateLimits).toMatchObject({
      searchesPerPeerPerMinute: 5,
      updatesPerPeerPerMinute: 30,
      perIpMultiplier: 3,
    })
    expect(directory.lockout).toEqual({ failures: 10, window: 300_000, duration: 900_000 })
    expect(configError({ directory: { lockout: { failures: 0 } } }).message).toContain(
      'directory.lockout.failures',
    )
  })

  it('reads the DHT quotas, sizes in bytes, with the protocol defaults', () => {
    expect(parseRelayConfig({}, '/srv').dhtQuotas).toEqual({
      recordsPerPeerPerHour: 1_000,
      bytesPerPeerPerHour: 8 * 1024 ** 2,
      recordsPerPeer: 10_000,
      bytesPerPeer: 64 * 1024 ** 2,
      perIpMultiplier: 4,
      maxTrackedWriters: 50_000,
    })
    const set = parseRelayConfig({ dhtQuotas: { bytesPerPeerPerHour: '512KiB' } }, '/srv')
    expect(set.dhtQuotas.bytesPerPeerPerHour).toBe(512 * 1024)
    expect(configError({ dhtQuotas: { recordsPerPeer: 0 } }).message).toContain(
      'dhtQuotas.recordsPerPeer',
    )
  })

  it('writes a commented default file that parses to the defaults on a public server', () => {
    const text = defaultRelayConfigYaml('/var/lib/tokenim-relay', ['203.0.113.7'])
    expect(text).toMatch(/^# /m)
    const fromFile = parseRelayConfig(parseYaml(text), '/elsewhere')
    expect(fromFile).toEqual(parseRelayConfig({ dataDir: '/var/lib/tokenim-relay' }))
  })

  it('writes a config for one machine or a LAN where no address is public', () => {
    const text = defaultRelayConfigYaml('/var/lib/tokenim-relay', [])
    expect(text).toContain('No address of this machine is public')
    const fromFile = parseRelayConfig(parseYaml(text), '/elsewhere')
    expect(fromFile).toEqual(
      parseRelayConfig({ dataDir: '/var/lib/tokenim-relay', allowPrivateAddresses: true }),
    )
  })

  it('names the field and the reason of a wrong type', () => {
    const error = configError({ limits: { maxConnections: 'many' } })
    expect(error.name).toBe('InvalidConfigError')
    expect(error.message).toBe('limits.maxConnections: expected a number, got "many"')
  })

  it('names unknown fields, so a misspelling is not silently ignored', () => {
    expect(configError({ directory: { registraton: 'open' } }).message).toBe(
      'directory.registraton: unknown field',
    )
  })

  it('explains bad durations, sizes, enums and rule breaks', () => {
    expect(configError({ circuitRelay: { durationLimit: '5 minutes' } }).message).toBe(
      'circuitRelay.durationLimit: expected a duration such as 30s, 5m, 2h or 7d, got "5 minutes"',
    )
    expect(configError({ circuitRelay: { dataLimit: '1MB' } }).message).toContain(
      'circuitRelay.dataLimit: expected a size',
    )
    expect(configError({ directory: { registration: 'closed' } }).message).toBe(
      'directory.registration: expected one of "open", "invite", "pow", got "closed"',
    )
    expect(configError({ directory: { registration: 'invite' } }).message).toContain(
      'directory.inviteCodes: registration "invite" needs at least one invite code',
    )
    expect(configError({ peers: ['/ip4/10.0.0.1/tcp/4001'] }).message).toContain('peers.0:')
    expect(configError({ metrics: { port: 70_000 } }).message).toContain('metrics.port:')
  })

  it('reports every problem at once', () => {
    const message = configError({ listen: 'tcp', log: { level: 'loud' } }).message
    expect(message).toContain('listen: expected an array')
    expect(message).toContain('log.level:')
  })

  it('reads sign-up policies: one method or a list, each with its section, one source per secret', () => {
    const email = {
      from: 'relay <r@example.org>',
      smtp: { host: 'smtp.example.org', passwordFile: 'pw' },
    }
    const { directory } = parseRelayConfig(
      { directory: { signup: { require: 'email', email } } },
      '/srv',
    )
    expect(directory.signup).toMatchObject({
      require: ['email'],
      namesPerAddress: 1,
      codeLength: 6,
      email: { smtp: { port: 587, security: 'starttls', passwordFile: '/srv/pw' } },
    })
    expect(parseRelayConfig({}, '/srv').directory.signup.require).toEqual([])
    expect(
      configError({ directory: { signup: { require: ['email', 'sms'], email } } }).message,
    ).toContain('directory.signup.sms: require lists sms: configure its section')
    const twice = { ...email, smtp: { ...email.smtp, password: 'inline' } }
    expect(
      configError({ directory: { signup: { require: 'email', email: twice } } }).message,
    ).toContain('directory.signup.email.smtp.passwordFile: give only one of password, passwordFile')
    const oidc = { name: 'Example', issuer: 'https://id.example.org', clientId: 'relay' }
    expect(
      parseRelayConfig({ directory: { signup: { require: ['email', 'oidc'], email, oidc } } })
        .directory.signup.oidc,
    ).toMatchObject({ listen: { host: '0.0.0.0', port: 4003 }, allowInsecureIssuer: false })
    expect(
      configError({ directory: { signup: { require: 'oidc', oidc: { ...oidc, issuer: 'id' } } } })
        .message,
    ).toContain('directory.signup.oidc.issuer')
    expect(configError({ directory: { signup: { require: 'fax' } } }).message).toContain(
      'directory.signup.require',
    )
  })

  it('reads a sign-up secret from the environment, and names the variable when it is missing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tokenim-relay-signup-'))
    try {
      const sms = { webhook: 'https://sms.example.org/send', tokenEnv: 'TOKENIM_TEST_SMS_TOKEN' }
      const { signup } = parseRelayConfig(
        { directory: { signup: { require: 'sms', sms } } },
        dir,
      ).directory
      delete process.env.TOKENIM_TEST_SMS_TOKEN
      await expect(loadSignupSetup(signup, dir)).rejects.toMatchObject({
        name: 'InvalidConfigError',
        message:
          'directory.signup.sms.tokenEnv: the environment variable TOKENIM_TEST_SMS_TOKEN is not set',
      })
      process.env.TOKENIM_TEST_SMS_TOKEN = 'gateway-token'
      expect(await loadSignupSetup(signup, dir)).toMatchObject({ smsToken: 'gateway-token' })
    } finally {
      delete process.env.TOKENIM_TEST_SMS_TOKEN
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('reads a YAML file, anchoring a relative data dir at the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tokenim-relay-config-'))
    try {
      const path = join(dir, 'relay.yaml')
      await writeFile(path, 'dataDir: data\ncircuitRelay:\n  hopTimeout: 10\n')
      const config = await loadRelayConfig(path)
      expect(config.dataDir).toBe(join(dir, 'data'))
      expect(config.circuitRelay.hopTimeout).toBe(10_000)

      await writeFile(path, 'limits: { maxConnections: many }\n')
      await expect(loadRelayConfig(path)).rejects.toMatchObject({
        name: 'InvalidConfigError',
        message: `limits.maxConnections: expected a number, got "many" (in ${path})`,
      })
      await writeFile(path, 'listen: [unclosed\n')
      await expect(loadRelayConfig(path)).rejects.toMatchObject({
        name: 'InvalidConfigError',
        message: expect.stringContaining('is not valid YAML'),
      })
      await expect(loadRelayConfig(join(dir, 'missing.yaml'))).rejects.toMatchObject({
        message: expect.stringContaining('tokenim relay init'),
      })
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('relay bootstrap rules', () => {
  it('doubles the redial delay up to the cap, with jitter in its upper half', () => {
    expect(redialDelayMs(0, 1000, 60_000, () => 0)).toBe(500)
    expect(redialDelayMs(0, 1000, 60_000, () => 1)).toBe(1000)
    expect(redialDelayMs(3, 1000, 60_000, () => 1)).toBe(8000)
    expect(redialDelayMs(20, 1000, 60_000, () => 1)).toBe(60_000)
    expect(redialDelayMs(1000, 1000, 60_000, () => 0)).toBe(30_000)
  })

  it('accepts relay addresses that end with a peer id, and only those', () => {
    expect(parseRelayAddresses([`/ip4/127.0.0.1/tcp/4001/p2p/${PEER}`])).toHaveLength(1)
    expect(() => parseRelayAddresses(['/ip4/127.0.0.1/tcp/4001'])).toThrow(/must end with \/p2p\//)
    expect(() => parseRelayAddresses(['not a multiaddr'])).toThrow(/is not a multiaddr/)
    expect(() => parseRelayAddresses(['/ip4/127.0.0.1/tcp/4001/p2p/notapeerid'])).toThrow(
      expect.objectContaining({ name: 'InvalidConfigError' }),
    )
  })
})
