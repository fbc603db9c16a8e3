/**
 * Hole punching between two homes, in the NAT lab (test/lab/nat-lab.ts): alice and bob each
 * behind a port-preserving NAT, dave behind a symmetric one, one relay on a public address
 * listening on TCP and QUIC as `relay init` writes it. The nodes start with the relay's QUIC
 * address, so the relay observes each node's UDP mapping. Why no punch succeeds here, with
 * packet counts from the routers: doc/networking.md, "Hole punching".
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

describe('QUIC hole punching', () => {
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

  it('two homes behind port-preserving NATs stay on the relay: no QUIC punch can succeed', async () => {
    // A punch needs each side's dial to leave from the UDP port its peer was told about, and
    // @chainsafe/libp2p-quic dials from a socket of its own, not the listener's: the mapping
    // the relay observes leads to an endpoint that only dials, autoNAT rightly never confirms
    // it, and DCUtR has no address to offer (doc/networking.md, "Hole punching"). When the
    // transport dials from its listener, this fails and the test should expect `direct`.
    await befriend(alice, bob, bob.publicKey)
    const bobGot = bob.next('message:received', (m) => m.text === 'across two NATs over QUIC')
    await alice.cli(['send', bob.peerId, 'across two NATs over QUIC'])
    await bobGot
    expect(await friendOf(alice, bob)).toMatchObject({
      reach: { via: 'relay', relay: relay.quicAddress!.split('/p2p/')[1] },
    })
    expect(
      alice.count('friend:reach', (r) => r.peerId === bob.peerId && r.reach.via === 'direct'),
    ).toBe(0)
  }, 90_000)

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
