import { readFile, stat, writeFile } from 'node:fs/promises'
import { type AddressInfo, createServer } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LocalApiClient } from '../../client/api-client.ts'
import { NODE_VERSION } from '../../node/index.ts'
import type { NodeStatus } from '../../protocol/local-api.ts'
import { runCli, spawnCli } from '../helpers/cli.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { withTimeout } from '../helpers/wait.ts'

describe('tokenim relay start on a data dir in a newer format', () => {
  it('is refused, naming both formats, with the exit code for it', async () => {
    const dir = await makeTempDir('tokenim-relay-format-')
    try {
      expect((await runCli(['relay', 'init', '--data-dir', dir.path])).code).toBe(0)
      await writeFile(join(dir.path, 'format.json'), '{"format":99,"writtenBy":"9.1.0"}\n')
      const started = await runCli(['relay', 'start', '--json', '--data-dir', dir.path])
      expect(started.code, started.stderr).toBe(65)
      expect(started.stderr).toContain('DataFormatTooNewError')
      expect(started.stderr).toContain('relay data dir')
      expect(started.stderr).toContain('format 99, written by tokenim 9.1.0')
    } finally {
      await dir.remove()
    }
  })
})

describe('tokenim relay: init, start, status, SIGTERM', () => {
  let dir: Awaited<ReturnType<typeof makeTempDir>>
  beforeAll(async () => {
    dir = await makeTempDir('tokenim-relay-cli-')
  })
  afterAll(() => dir.remove())

  it('runs a relay from the config relay init wrote, and stops cleanly on SIGTERM', async () => {
    const dataDir = join(dir.path, 'relay')
    const init = await runCli(['relay', 'init', '--json', '--data-dir', dataDir])
    expect(init.code, init.stderr).toBe(0)
    const created = JSON.parse(init.stdout) as { peerId: string; configPath: string }
    expect(created.configPath).toBe(join(dataDir, 'relay.yaml'))
    expect((await stat(join(dataDir, 'relay.key'))).mode & 0o777).toBe(0o600)
    const again = await runCli(['relay', 'init', '--data-dir', dataDir])
    expect(again.code).not.toBe(0)
    expect(again.stderr).toContain('RelayExistsError')

    // The written defaults, moved to loopback and free ports for the test.
    const defaults = await readFile(created.configPath, 'utf8')
    expect(defaults).toContain('# ')
    await writeFile(
      created.configPath,
      defaults
        .replace('/ip4/0.0.0.0/tcp/4001', '/ip4/127.0.0.1/tcp/0')
        .replace('/ip4/0.0.0.0/udp/4001/quic-v1', '/ip4/127.0.0.1/udp/0/quic-v1')
        .replace('/ip4/0.0.0.0/tcp/4002/ws', '/ip4/127.0.0.1/tcp/0/ws')
        // relay init chose this from the machine's addresses; the test runs on loopback.
        .replace(/allowPrivateAddresses: (true|false)/, 'allowPrivateAddresses: true'),
    )

    // The metrics port as a container would set it: from the environment, over the file's.
    const relay = await spawnCli(
      ['relay', 'start', '--config', created.configPath],
      '"msg":"relay started"',
      { TOKENIM_RELAY__METRICS__PORT: '0' },
    )
    try {
      const started = JSON.parse(
        relay
          .output()
          .split('\n')
          .find((line) => line.includes('"relay started"'))!,
      ) as { level: number; peerId: string }
      expect(started).toMatchObject({ level: 30, peerId: created.peerId })

      const status = await runCli(['relay', 'status', '--json', '--data-dir', dataDir])
      expect(status.code, status.stderr).toBe(0)
      const report = JSON.parse(status.stdout) as {
        peerId: string
        version: string
        multiaddrs: string[]
        connections: number
        healthUrl: string
        metricsUrl: string
        warning: string | null
      }
      expect(report.peerId).toBe(created.peerId)
      expect(report.version).toBe(NODE_VERSION)
      expect(report.warning).toMatch(/only loopback or private addresses/)
      // TCP, QUIC and WebSocket, as relay init wrote them.
      expect(report.multiaddrs).toHaveLength(3)
      expect(report.multiaddrs.every((addr) => addr.endsWith(`/p2p/${created.peerId}`))).toBe(true)
      expect(report.multiaddrs.some((addr) => addr.includes('/ws/'))).toBe(true)
      expect(report.multiaddrs.some((addr) => addr.includes('/udp/'))).toBe(true)
      expect(report.connections).toBe(0)

      const health = await fetch(report.healthUrl)
      expect(health.status).toBe(200)
      expect(await health.json()).toMatchObject({ ok: true, peerId: created.peerId })
      const metrics = await fetch(report.metricsUrl)
      expect(metrics.headers.get('content-type')).toContain('text/plain')
      const text = await metrics.text()
      expect(text).toContain('# TYPE tokenim_relay_connections gauge')
      expect(text).toContain('nodejs_heap_size_used_bytes')

      await expectNodeConnects(join(dir.path, 'node'), report.multiaddrs[0], report.healthUrl)

      relay.child.kill('SIGTERM')
      expect(await withTimeout(relay.exited, 15_000, 'relay exit')).toBe(0)
      expect(relay.output()).toContain('"msg":"relay stopped"')
    } finally {
      relay.child.kill('SIGKILL')
    }
    const after = await runCli(['relay', 'status', '--data-dir', dataDir])
    expect(after.code).not.toBe(0)
    expect(after.stderr).toContain('RelayNotRunningError')
  })

  it('refuses to start with a bad config field, naming it', async () => {
    const configPath = join(dir.path, 'bad.yaml')
    await writeFile(
      configPath,
      `dataDir: ${join(dir.path, 'bad')}\nlimits:\n  maxConnections: many\n`,
    )
    const result = await runCli(['relay', 'start', '--config', configPath])
    expect(result.code).not.toBe(0)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(result.stderr).toContain(
      'InvalidConfigError: limits.maxConnections: expected a number, got "many"',
    )
  })

  it('names the listen address it cannot take, and why, on one line', async () => {
    const squatter = createServer()
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve))
    const { port } = squatter.address() as AddressInfo
    try {
      const configPath = join(dir.path, 'busy.yaml')
      await writeFile(
        configPath,
        `dataDir: ${join(dir.path, 'busy')}\nlisten:\n  - /ip4/127.0.0.1/tcp/${port}\n`,
      )
      const result = await runCli(['relay', 'start', '--config', configPath])
      expect(result.code).not.toBe(0)
      expect(result.stderr.trim().split('\n')).toHaveLength(1)
      expect(result.stderr).toContain(
        `ListenFailedError: cannot listen on /ip4/127.0.0.1/tcp/${port} (`,
      )
      expect(result.stderr).toContain('EADDRINUSE')
    } finally {
      squatter.close()
    }
  })
})

/** `tokenim start --relay <address>` connects the node to the relay, and `status` shows it. */
async function expectNodeConnects(dataDir: string, relayAddress: string, healthUrl: string) {
  const relayId = relayAddress.split('/p2p/')[1]
  const node = await spawnCli(
    ['start', '--data-dir', dataDir, '--listen', '/ip4/127.0.0.1/tcp/0', '--relay', relayAddress],
    'is running',
    { TOKENIM_PASSWORD: 'correct horse battery staple 42' },
  )
  try {
    const client = await LocalApiClient.forDataDir(dataDir)
    const relayConnected = (status: NodeStatus) =>
      status.relays.some((link) => link.peerId === relayId && link.connected)
    let announced!: () => void
    const connected = new Promise<void>((resolve) => {
      announced = resolve
    })
    const subscription = await client.subscribe((event) => {
      if (
        event.type === 'peer:connected' &&
        (event.data as { peerId: string }).peerId === relayId
      ) {
        announced()
      }
    })
    try {
      if (!relayConnected(await client.status())) await withTimeout(connected, 15_000, 'relay')
    } finally {
      subscription.close()
    }
    const status = await runCli(['status', '--json', '--data-dir', dataDir])
    expect(status.code, status.stderr).toBe(0)
    const relays = (JSON.parse(status.stdout) as NodeStatus).relays
    expect(relays).toEqual([expect.objectContaining({ address: relayAddress, connected: true })])
    const health = (await (await fetch(healthUrl)).json()) as { connections: number; peers: number }
    expect(health.peers).toBe(1)
    expect((await runCli(['stop', '--data-dir', dataDir])).code).toBe(0)
    expect(await withTimeout(node.exited, 15_000, 'node exit')).toBe(0)
  } finally {
    node.child.kill('SIGKILL')
  }
}
