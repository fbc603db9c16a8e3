/**
 * Relay-link soak (`npm run lab:soak -- --minutes N`, default 30): in the NAT lab
 * (sim/lab/nat-lab.ts), one relay and four people each behind their own NAT (one of them
 * symmetric), friends in a ring, every one sending a text every few seconds to each ring
 * neighbour in turn, for N minutes. Counts how often each node's link to its relay was torn
 * down, seen from both ends (the node's relay link in `GET /v1/status`, polled every second
 * by bench/lab/node-driver.ts; the relay's "peer disconnected" log lines at debug level),
 * how long a node that lost its reservation took to hold one again (its circuit address
 * back), and how the texts fared (delivered, and the round trip to the receipt). At the
 * end the relay is killed and started again, and each node's time from the relay's start to
 * its circuit address back (a reservation held: reachable again) is measured.
 *
 * Needs root, iproute2 and iptables. `--interval S` sets the seconds between texts (5).
 * The figures land on stdout and in bench/results/relay-soak-<time>.json.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { labSupported, NatLab } from '../../sim/lab/nat-lab.ts'
import { makeTempDir } from '../../test/helpers/temp-dir.ts'
import {
  befriend,
  type LabRelay,
  labPerson,
  runLabRelay,
  startLabRelay,
  tsScript,
} from '../../test/lab/lab-people.ts'
import { percentile } from '../measure.ts'

const NODE_DRIVER = fileURLToPath(new URL('./node-driver.ts', import.meta.url))
const RESULTS = fileURLToPath(new URL('../results', import.meta.url))
const PEOPLE = ['alice', 'bob', 'carol', 'dave']

const { values: options } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    interval: { type: 'string', default: '5' },
  },
})
const minutes = Number(options.minutes)
const intervalMs = Number(options.interval) * 1000

interface DriverLine {
  kind: 'sent' | 'delivered' | 'send-failed' | 'relay' | 'status-failed'
  at: number
  ms?: number
  connected?: boolean
  connectedAt?: number | null
  circuit?: boolean
  error?: string
}

const support = labSupported()
if (!support.ok) {
  console.error(`lab:soak: cannot run, ${support.reason}`)
  process.exit(1)
}

const scratch = await makeTempDir('tokenim-soak-')
const lab = await NatLab.build({
  publicHosts: ['relay'],
  homes: PEOPLE.map((name, index) => ({
    name: `home${index + 1}`,
    nat: name === 'carol' ? ('symmetric' as const) : ('port-preserving' as const),
    hosts: [name],
  })),
})
try {
  const relay = await startLabRelay(lab.host('relay'), join(scratch.path, 'relay'), (config) =>
    config.replace(/^log:\n {2}level: info$/m, 'log:\n  level: debug'),
  )
  const people = await Promise.all(
    PEOPLE.map((name) => labPerson(name, lab.host(name), scratch.path)),
  )
  await Promise.all(people.map((person) => person.start([relay.address])))
  for (const [index, person] of people.entries()) {
    const next = people[(index + 1) % people.length]
    await befriend(person, next, next.publicKey)
  }

  const lines = new Map<string, DriverLine[]>(PEOPLE.map((name) => [name, []]))
  const startedAt = Date.now()
  for (const [index, person] of people.entries()) {
    const neighbours = [people[(index + 1) % people.length], people.at(index - 1)!]
    const driver = person.host.spawn(
      tsScript(NODE_DRIVER, [
        'chat',
        person.dataDir,
        String(intervalMs),
        ...neighbours.map((neighbour) => neighbour.peerId),
      ]),
    )
    let buffered = ''
    driver.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString()
      const complete = buffered.split('\n')
      buffered = complete.pop()!
      for (const line of complete) lines.get(person.name)!.push(JSON.parse(line) as DriverLine)
    })
    driver.stderr!.on('data', (chunk: Buffer) => process.stderr.write(`${person.name}: ${chunk}`))
  }
  console.error(`lab:soak: ${PEOPLE.length} nodes chatting for ${minutes} min...`)
  for (let minute = 1; minute <= minutes; minute++) {
    await new Promise((resolve) => setTimeout(resolve, 60_000))
    const torn = PEOPLE.map((name) => `${name} ${linkFigures(lines.get(name)!).teardowns}`)
    console.error(`  ${minute} min: relay links torn down: ${torn.join(', ')}`)
  }

  const relayDisconnects = relayDisconnectLines(relay.output(), startedAt)
  // Texts sent in the last half minute may still be on their way; they are not counted.
  const countedUntil = Date.now() - 30_000
  const chatRows = people.map((person) => {
    const own = lines.get(person.name)!
    const link = linkFigures(own)
    const sent = own.filter((line) => line.kind === 'sent' && line.at < countedUntil)
    const delivered = own.filter(
      (line) => line.kind === 'delivered' && line.at - line.ms! < countedUntil,
    )
    const roundTrips = delivered.map((line) => line.ms!)
    return {
      node: person.name,
      nat: person.name === 'carol' ? 'symmetric' : 'port-preserving',
      relayLinkTornDown: link.teardowns,
      relayLogPeerDisconnected: relayDisconnects.get(person.peerId) ?? 0,
      reservationLost: link.reservationGaps.length,
      msToReservationBack: link.reservationGaps,
      sendFailed: own.filter((line) => line.kind === 'send-failed').length,
      textsSent: sent.length,
      textsDelivered: delivered.length,
      roundTripP50Ms: percentile(roundTrips, 50),
      roundTripP99Ms: percentile(roundTrips, 99),
    }
  })
  // Then every reservation is lost at once: the relay is killed and started again.
  const restartedAt = await restartRelay(relay)
  const secondsBack = await Promise.all(
    people.map((person) => circuitBackAfter(lines.get(person.name)!, restartedAt)),
  )
  const rows = chatRows.map((row, index) => ({
    ...row,
    secondsToCircuitAfterRelayRestart: secondsBack[index],
  }))
  console.log(
    `relay-link soak: ${PEOPLE.length} nodes, ${minutes} min, a text every ${intervalMs / 1000} s each`,
  )
  console.table(
    rows.map(({ msToReservationBack, ...row }) => ({
      ...row,
      secondsToReservationBack: msToReservationBack.map((ms) => (ms / 1000).toFixed(1)).join(' '),
    })),
  )
  await mkdir(RESULTS, { recursive: true })
  const file = join(
    RESULTS,
    `relay-soak-${new Date(startedAt).toISOString().replace(/[:.]/g, '-')}.json`,
  )
  await writeFile(file, `${JSON.stringify({ startedAt, minutes, intervalMs, rows }, null, 2)}\n`)
  console.error(`wrote ${file}`)
} finally {
  await lab.destroy()
  await scratch.remove()
}

/** Kills the relay and starts it again; resolves with when it said "relay started" (ms). */
async function restartRelay(relay: LabRelay): Promise<number> {
  const exited = new Promise((resolve) => relay.child.once('exit', resolve))
  relay.child.kill('SIGKILL')
  await exited
  const again = await runLabRelay(relay.host, relay.dataDir, relay.configPath)
  const started = again
    .output()
    .split('\n')
    .find((line) => line.includes('"msg":"relay started"'))
  return Date.parse((JSON.parse(started!) as { time: string }).time)
}

/** Seconds from `since` until a node's driver saw its circuit address back (NaN: not in 3 min). */
async function circuitBackAfter(own: DriverLine[], since: number): Promise<number> {
  const deadline = Date.now() + 180_000
  while (Date.now() < deadline) {
    const back = own.find((line) => line.kind === 'relay' && line.at >= since && line.circuit)
    if (back != null) return (back.at - since) / 1000
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  return Number.NaN
}

/**
 * From one node's relay-link lines: how often the link was torn down (its connection
 * ended: a new `connectedAt`, or none), and each time its circuit address was gone, how
 * long until it was back (ms; a gap still open at the end counts up to the last line).
 */
function linkFigures(own: DriverLine[]): { teardowns: number; reservationGaps: number[] } {
  let teardowns = 0
  const reservationGaps: number[] = []
  let previous: DriverLine | undefined
  let lostAt: number | undefined
  for (const line of own.filter((candidate) => candidate.kind === 'relay')) {
    if (previous?.connectedAt != null && line.connectedAt !== previous.connectedAt) teardowns++
    if (previous?.circuit === true && line.circuit === false) lostAt = line.at
    if (lostAt != null && line.circuit === true) {
      reservationGaps.push(line.at - lostAt)
      lostAt = undefined
    }
    previous = line
  }
  if (lostAt != null) reservationGaps.push(Date.now() - lostAt)
  return { teardowns, reservationGaps }
}

/** Per peer id, the relay's "peer disconnected" log lines since `since`. */
function relayDisconnectLines(output: string, since: number): Map<string, number> {
  const counts = new Map<string, number>()
  for (const line of output.split('\n')) {
    if (!line.includes('"msg":"peer disconnected"')) continue
    const entry = JSON.parse(line) as { time: string; peer: string }
    if (Date.parse(entry.time) < since) continue
    counts.set(entry.peer, (counts.get(entry.peer) ?? 0) + 1)
  }
  return counts
}
