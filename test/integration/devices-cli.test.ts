/**
 * The built `tokenim` CLI's device commands: `devices list`, `devices rename` and `devices
 * history`, with the lines each prints. Needs `npm run build` first.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli.ts'
import { startLocalNode } from '../helpers/local-node.ts'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

describe('devices CLI', () => {
  it('lists this device, renames it (a new version), and refuses an empty name', async () => {
    const { node, dataDir } = await startLocalNode(cleanups, { devices: { deviceName: 'home' } })
    const cli = (...args: string[]) => runCli(['devices', ...args, '--data-dir', dataDir])
    const stamp = '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d'

    const list = await cli('list')
    expect(list.stdout).toMatch(
      new RegExp(`^\\* home {2}${node.peerId} {2}since ${stamp}\ndevice list version 1\n$`),
    )
    const renamed = await cli('rename', 'laptop')
    expect(renamed.code).toBe(0)
    expect(renamed.stdout).toMatch(
      /^this device is "laptop" now\n\* laptop .*\ndevice list version 2\n$/,
    )
    const json = JSON.parse((await cli('list', '--json')).stdout)
    expect(json).toMatchObject({
      account: node.peerId,
      version: 2,
      devices: [{ name: 'laptop', peerId: node.peerId, thisDevice: true }],
    })

    const empty = await cli('rename', ' ')
    expect(empty.code).not.toBe(0)
    expect(node.devices.own().version).toBe(2)
  })

  it('devices history: where the transfer stands, a bad choice refused, no other device to ask', async () => {
    const { dataDir } = await startLocalNode(cleanups)
    const cli = (...args: string[]) =>
      runCli(['devices', 'history', ...args, '--data-dir', dataDir])
    const status = await cli()
    expect(status.code).toBe(0)
    expect(status.stdout).toMatch(/^No history transfer: "tokenim devices history all"/)
    expect(JSON.parse((await cli('--json')).stdout)).toEqual({ state: 'none', taken: 0, total: 0 })
    const bad = await cli('lots')
    expect(bad.code).toBe(64)
    const alone = await cli('all')
    expect(alone.code).toBe(1)
    expect(alone.stderr).toMatch(/HistoryDeviceNotFoundError/)
  })
})
