/**
 * The Kubernetes files for a simulation over a cluster (deploy/sim/kubernetes.yaml) agree
 * with the product: the scenario they carry validates once the coordinator's address is
 * filled in, as many shard pods run as the scenario awaits, every option the pods pass
 * exists in `tokenim sim run` and `tokenim sim shard`, and the shards find the coordinator's
 * Service on the port it listens on. A cluster itself is not available here: the pods are
 * not started by the tests (the same commands run in the NAT lab, test/lab/sim-machines).
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'
import { parseAllDocuments, parse as parseYaml } from 'yaml'
import { parseScenario } from '../../sim/index.ts'
import { runCli } from '../helpers/cli.ts'

const DEPLOY_SIM = join(fileURLToPath(new URL('../..', import.meta.url)), 'deploy', 'sim')

async function resourcesOf(file: string): Promise<Resource[]> {
  const documents = parseAllDocuments(await readFile(join(DEPLOY_SIM, file), 'utf8'))
  expect(documents.flatMap((d) => d.errors)).toEqual([])
  return documents.map((d) => d.toJS() as Resource)
}

interface Container {
  command: string[]
  args?: string[]
  env?: Array<{ name: string }>
}
interface Resource {
  kind: string
  metadata: { name: string }
  data?: Record<string, string>
  spec?: {
    parallelism?: number
    completions?: number
    ports?: Array<{ port: number }>
    template?: { spec: { containers: Container[] } }
    volumes?: Array<{ persistentVolumeClaim?: { claimName: string } }>
  }
}

it('the cluster manifest carries a valid scenario and options the CLI knows', async () => {
  const resources = await resourcesOf('kubernetes.yaml')
  const named = (kind: string, name: string) => {
    const found = resources.find((r) => r.kind === kind && r.metadata.name === name)
    if (found == null) throw new Error(`no ${kind} ${name} in the manifest`)
    return found
  }
  const coordinator = named('Job', 'tokenim-sim-coordinator').spec!.template!.spec.containers[0]
  const shards = named('Job', 'tokenim-sim-shards')
  const shard = shards.spec!.template!.spec.containers[0]

  // The coordinator's --host is its pod address, known only at run time: the scenario
  // needs it, and validates with it.
  const text = named('ConfigMap', 'tokenim-sim-scenario').data!['scenario.yaml']
  expect(() => parseScenario(text)).toThrowError(/network\.remote\.host/)
  const raw = parseYaml(text)
  raw.network.remote.host = '10.0.0.5'
  const scenario = parseScenario(raw)
  const remote = scenario.network.remote!
  expect(coordinator.args).toEqual(['--host', '$(POD_IP)'])
  expect(shards.spec!.parallelism).toBe(remote.shards)
  expect(shards.spec!.completions).toBe(remote.shards)

  // Shards dial the Service on the port the coordinator listens on.
  const servicePort = named('Service', 'tokenim-sim-coordinator').spec!.ports![0].port
  expect(remote.listen).toBe(`0.0.0.0:${servicePort}`)
  const coordinatorFlag = shard.args![shard.args!.indexOf('--coordinator') + 1]
  expect(coordinatorFlag).toBe(`tokenim-sim-coordinator:${servicePort}`)

  for (const container of [coordinator, shard]) {
    expect(container.env?.map((e) => e.name)).toContain('TOKENIM_SIM_TOKEN')
    const [program, ...subcommand] = container.command.filter((word) => !word.startsWith('/'))
    expect(program).toBe('tokenim')
    const help = await runCli([...subcommand.slice(0, 2), '--help'])
    expect(help.code, help.stderr).toBe(0)
    const flags = [...container.command, ...(container.args ?? [])].filter((w) =>
      w.startsWith('--'),
    )
    for (const flag of flags) expect(help.stdout, `${subcommand.join(' ')} ${flag}`).toContain(flag)
  }
})

it('the results reader mounts the volume the coordinator writes to', async () => {
  const claims = (await resourcesOf('kubernetes.yaml'))
    .filter((r) => r.kind === 'PersistentVolumeClaim')
    .map((r) => r.metadata.name)
  const [reader] = await resourcesOf('results-reader.yaml')
  expect(reader.kind).toBe('Pod')
  expect(reader.spec!.volumes!.map((v) => v.persistentVolumeClaim?.claimName)).toEqual(claims)
})
