/** A real relay for browser tests: `tokenim relay start` as a child process on loopback. */
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect } from 'vitest'
import { runCli, spawnCli } from '../helpers/cli.ts'

export interface RelayProcess {
  /** The relay's TCP multiaddr, with /p2p/<peer id>, for `--relay`. */
  address: string
  stop(): void
}

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
    stop: () => relay.child.kill('SIGKILL'),
  }
}
