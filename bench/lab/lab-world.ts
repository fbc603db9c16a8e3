/**
 * What every NAT lab benchmark starts from: the lab built (sim/lab/nat-lab.ts), a relay with
 * the config `relay init` writes on its first public host, and a started `tokenim` node for
 * each person at home, each a process in its namespace. Without root, iproute2 and iptables
 * it says why and measures nothing; whatever happens, the lab and its data go at the end.
 */
import { join } from 'node:path'
import { type LabTopology, labSupported, NatLab } from '../../sim/lab/nat-lab.ts'
import { makeTempDir } from '../../test/helpers/temp-dir.ts'
import {
  type LabPerson,
  type LabRelay,
  labPerson,
  startLabRelay,
} from '../../test/lab/lab-people.ts'
import type { BenchmarkFigure } from '../measure.ts'

export interface LabWorld {
  lab: NatLab
  /** Scratch space for data dirs and files, removed at the end. */
  dir: string
  relay: LabRelay
  /** Every person at home, by host name, started with the relay's address. */
  people: Record<string, LabPerson>
}

export async function inLabWorld(
  benchmark: string,
  topology: LabTopology,
  work: (world: LabWorld) => Promise<BenchmarkFigure[]>,
): Promise<BenchmarkFigure[]> {
  const support = labSupported()
  if (!support.ok) {
    console.error(`${benchmark}: skipped, ${support.reason} (measured nothing)`)
    return []
  }
  const scratch = await makeTempDir(`tokenim-bench-${benchmark}-`)
  const lab = await NatLab.build(topology)
  try {
    const relayHost = topology.publicHosts[0]
    const relay = await startLabRelay(lab.host(relayHost), join(scratch.path, relayHost))
    const names = topology.homes.flatMap((home) => home.hosts)
    const people = await Promise.all(
      names.map((name) => labPerson(name, lab.host(name), scratch.path)),
    )
    await Promise.all(people.map((person) => person.start([relay.address])))
    const byName = Object.fromEntries(people.map((person) => [person.name, person]))
    return await work({ lab, dir: scratch.path, relay, people: byName })
  } finally {
    await lab.destroy()
    await scratch.remove()
  }
}
