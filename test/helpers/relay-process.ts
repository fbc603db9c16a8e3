/**
 * A real relay for process-level tests: `tokenim relay init`, then `tokenim relay start` as a
 * child process, listening on loopback only, with its metrics on any free port and loopback
 * addresses kept in DHT answers (everything in these tests runs on 127.0.0.1).
 */
import type { ChildProcess } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect } from 'vitest'
import { runCli, spawnCli } from './cli.ts'

export interface RelayProcess {
  /** The relay's TCP multiaddr, with /p2p/<peer id>, for `--relay`. */
  address: string
  child: ChildProcess
  stop(): void
}

/** Starts a relay whose data dir is `<parentDir>/relay`. */
export async function startRelayProcess(parentDir: string): Promise<RelayProcess> {
  const dataDir = join(parentDir, 'relay')
  const init = await runCli(['relay', 'init', '--json', '--data-dir', dataDir])
  expect(init.code, init.stderr).toBe(0)
  const { configPath } = JSON.parse(init.stdout) as { configPath: string }
  const defaults = await readFile(configPath, 'utf8')
  await writeFile(
    configPath,
    defaults
      .replace('/ip4/0.0.0.0/tcp/4001', '/ip4/127.0.0.1/tcp/0')
      .replace('/ip4/0.0.0.0/udp/4001/quic-v1', '/ip4/127.0.0.1/udp/0/quic-v1')
      .replace('/ip4/0.0.0.0/tcp/4002/ws', '/ip4/127.0.0.1/tcp/0/ws')
      .replace('port: 9464', 'port: 0')
      .replace('allowPrivateAddresses: false', 'allowPrivateAddresses: true'),
  )
  const relay = await spawnCli(['relay', 'start', '--config', configPath], '"msg":"relay started"')
  const status = await runCli(['relay', 'status', '--json', '--data-dir', dataDir])
  expect(status.code, status.stderr).toBe(0)
  const { multiaddrs } = JSON.parse(status.stdout) as { multiaddrs: string[] }
  return {
    address: multiaddrs.find((address) => !address.includes('/ws'))!,
    child: relay.child,
    stop: () => relay.child.kill('SIGKILL'),
  }
}
