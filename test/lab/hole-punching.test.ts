/**
 * Hole punching between two homes, in the NAT lab (sim/lab/nat-lab.ts): alice and bob each
 * behind a port-preserving NAT, dave behind a symmetric one, one relay on a public address
 * listening on TCP and QUIC as `relay init` writes it. The nodes start with the relay's QUIC
 * address. Two homes behind port-preserving NATs meet through the relay and then punch a
 * direct TCP connection (TCP simultaneous open, network/tcp-punch.ts); a symmetric NAT keeps
 * its home on the relay. doc/networking.md, "Hole punching".
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { labSupported, NatLab } from '../../sim/lab/nat-lab.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import {
  befriend,
  friendOf,
  type LabPerson,
  type LabRelay,
  labPerson,
  sendFile,
  startLabRelay,
  tearDownLab,
} from './lab-people.ts'

const support = labSupported()
let lab: NatLab
let dir: Awaited<ReturnType<typeof makeTempDir>>
let relay: LabRelay
let alice: LabPerson
let bob: LabPerson
let dave: LabPerson

beforeAll(async () => {
  if (!support.ok) throw new Error(support.reason)
  dir = await makeTempDir('tokenim-lab-punch-')
  lab = await NatLab.build({
    publicHosts: ['relay1'],
    homes: [
      { name: 'homea', nat: 'port-preserving', hosts: ['alice'] },
      { name: 'homeb', nat: 'port-preserving', hosts: ['bob'] },
      { name: 'homec', nat: 'symmetric', hosts: ['dave'] },
    ],
  })
  relay = await startLabRelay(lab.host('relay1'), join(dir.path, 'relay1'))
  ;[alice, bob, dave] = await Promise.all(
    ['alice', 'bob', 'dave'].map((name) => labPerson(name, lab.host(name), dir.path)),
  )
  await Promise.all([alice, bob, dave].map((person) => person.start([relay.quicAddress!])))
}, 120_000)

afterAll(() => tearDownLab(lab, dir))

describe('hole punching', () => {
  it('the relay hands out its public QUIC address', () => {
    expect(relay.quicAddress).toMatch(/^\/ip4\/20\.0\.0\.10\/udp\/4001\/quic-v1\/p2p\//)
  })

  it("each node's QUIC link to the relay stays up (autoNAT's dial-back does not close it)", async () => {
    await alice.cli(['register', 'alice'])
    await bob.cli(['register', 'bob'])
    const relayId = relay.quicAddress!.split('/p2p/')[1]
    for (const person of [alice, bob, dave]) {
      expect(person.count('peer:disconnected', (p) => p.peerId === relayId)).toBe(0)
    }
  })

  it('two homes behind port-preserving NATs meet through the relay, then punch a direct TCP connection', async () => {
    await befriend(alice, bob, bob.publicKey)
    await alice.seen(
      'friend:reach',
      (r) => r.peerId === bob.peerId && r.reach.via === 'direct',
      60_000,
    )
    const reach = (await friendOf(alice, bob))?.reach
    // The punched connection goes to bob's router's public address, not through a circuit.
    expect(reach).toMatchObject({ via: 'direct' })
    expect(reach?.address).toMatch(/^\/ip4\/20\.0\.0\.101\/tcp\/\d+\/p2p\//)
    const bobGot = bob.next('message:received', (m) => m.text === 'across two NATs, direct')
    await alice.cli(['send', bob.peerId, 'across two NATs, direct'])
    await bobGot
  }, 120_000)

  it('a 2 MiB file between the two homes crosses the punched connection, not the relay', async () => {
    const before = await tcpBytesBetweenHomes()
    await sendFile(alice, bob, 2 * 1024 * 1024, dir.path)
    // Bob's router counts the bytes of every TCP connection between the two routers' public
    // addresses (the punched one); a file through the relay would not add to them.
    expect((await tcpBytesBetweenHomes()) - before).toBeGreaterThan(2 * 1024 * 1024)
  }, 120_000)

  it('a home behind a symmetric NAT stays on the relay, and the diagnostics say so', async () => {
    await befriend(alice, dave, dave.publicKey)
    const daveGot = dave.next('message:received', (m) => m.text === 'through the relay')
    await alice.cli(['send', dave.peerId, 'through the relay'])
    await daveGot
    expect(await friendOf(alice, dave)).toMatchObject({
      reach: { via: 'relay', relay: relay.quicAddress!.split('/p2p/')[1] },
    })
  }, 90_000)
})

/** Bytes both ways on bob's router's conntrack entries for TCP between the two homes. */
async function tcpBytesBetweenHomes(): Promise<number> {
  const [a, b] = ['homea', 'homeb'].map((home) => lab.routers.get(home)!.address)
  const { stdout } = await lab.routers.get('homeb')!.exec(['cat', '/proc/net/nf_conntrack'])
  let bytes = 0
  for (const line of stdout.split('\n')) {
    const fields = line.split(/\s+/)
    if (!fields.includes('tcp') || !fields.includes(`src=${a}`) || !fields.includes(`dst=${b}`)) {
      continue
    }
    for (const field of fields) if (field.startsWith('bytes=')) bytes += Number(field.slice(6))
  }
  return bytes
}
