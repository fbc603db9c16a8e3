/**
 * A simulation over three machines: a coordinator with its relay on one host of the lab's
 * internet, and two shards that join it with `tokenim sim shard` from two other hosts, each
 * in its own network namespace (stand-ins for machines: separate network stacks, addresses
 * and loopbacks). The nodes of each machine listen on its own address, messages cross all
 * three, and the results say where each shard ran. Shards started before the coordinator
 * wait for it; a shard with nobody to join says so.
 */
import type { ChildProcess } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { SimulationResults } from '../../sim/index.ts'
import { type LabHost, labSupported, NatLab } from '../../sim/lab/nat-lab.ts'
import { TOKENIM_BIN } from '../helpers/cli.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'

const support = labSupported()
let lab: NatLab
let dir: Awaited<ReturnType<typeof makeTempDir>>

beforeAll(async () => {
  if (!support.ok) throw new Error(support.reason)
  dir = await makeTempDir('tokenim-sim-machines-')
  lab = await NatLab.build({ publicHosts: ['coordinator', 'machine-a', 'machine-b'], homes: [] })
}, 60_000)

afterAll(async () => {
  await lab?.destroy()
  await dir?.remove()
})

/** `tokenim sim shard` on `machine`, joining the coordinator host's port 7400. */
function shardCommand(machine: LabHost): string[] {
  const coordinator = `${lab.host('coordinator').address}:7400`
  const join = ['--coordinator', coordinator, '--host', machine.address]
  return [process.execPath, TOKENIM_BIN, 'sim', 'shard', ...join]
}

/** Resolves with the process's exit code and everything it wrote on stderr. */
function finished(child: ChildProcess): Promise<{ code: number | null; stderr: string }> {
  let stderr = ''
  child.stderr?.on('data', (chunk) => {
    stderr += chunk
  })
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr })))
}

it('runs one scenario over a coordinator and two shard machines', async () => {
  const coordinator = lab.host('coordinator')
  const scenarioPath = join(dir.path, 'three-machines.yaml')
  await writeFile(
    scenarioPath,
    [
      'name: three-machines',
      'network:',
      '  relays: 1',
      '  nodes: 9',
      '  transport: tcp',
      '  shards: 3',
      `  remote: { shards: 2, listen: '${coordinator.address}:7400', joinTimeout: 60s }`,
      'duration: 4s',
      'drain: 30s',
      'traffic: { direct: { rate: 3 } }',
    ].join('\n'),
  )
  const out = join(dir.path, 'out')
  const env = { TOKENIM_SIM_TOKEN: 'lab-token-0123456789' }
  // The shards start first, as pods of a cluster may: they keep trying until it listens.
  const shards = ['machine-a', 'machine-b'].map((name) => {
    const machine = lab.host(name)
    return finished(machine.spawn([...shardCommand(machine), '--wait', '60'], env))
  })
  const result = await finished(
    coordinator.spawn(
      [process.execPath, TOKENIM_BIN, 'sim', 'run', scenarioPath, '--out', out],
      env,
    ),
  )
  expect(result.code, result.stderr).toBe(0)
  expect(result.stderr).toContain(`waiting for 2 shard(s) at ${coordinator.address}:7400`)
  // The token came from the environment: it is not printed.
  expect(result.stderr).not.toContain(env.TOKENIM_SIM_TOKEN)
  const shardRuns = await Promise.all(shards)
  for (const shard of shardRuns) {
    expect(shard.code, shard.stderr).toBe(0)
    expect(shard.stderr).toMatch(/sim shard: joined .*; nodes listen on 20\.0\.0\.\d+/)
  }

  const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as SimulationResults
  expect(results.settings.placement).toEqual([
    { shard: 0, origin: 'forked', host: coordinator.address, nodes: 3 },
    expect.objectContaining({ shard: 1, origin: 'joined', nodes: 3 }),
    expect.objectContaining({ shard: 2, origin: 'joined', nodes: 3 }),
  ])
  expect(new Set(results.settings.placement.slice(1).map((p) => p.host))).toEqual(
    new Set([lab.host('machine-a').address, lab.host('machine-b').address]),
  )
  expect(results.direct.sent).toBeGreaterThan(0)
  expect(results.direct.lost).toBe(0)
  // Traffic crossed machines: node i is in shard i mod 3, and some pair had different shards.
  expect(results.messages.some((m) => m.from % 3 !== m.to[0] % 3)).toBe(true)
}, 180_000)

it('a shard with no coordinator to join says where it looked', async () => {
  const machine = lab.host('machine-a')
  const attempt = await machine.exec(shardCommand(machine), {
    TOKENIM_SIM_TOKEN: 'lab-token-0123456789',
  })
  expect(attempt.code).toBe(1)
  expect(attempt.stderr).toMatch(
    /CoordinatorUnreachableError: cannot reach the coordinator at 20\.0\.0\.10:7400: connect ECONNREFUSED/,
  )
})
