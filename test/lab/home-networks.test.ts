/**
 * People at home behind NAT routers and two relays on public addresses, every part a process
 * started with the README's commands, in a lab of network namespaces (test/lab/nat-lab.ts):
 * alice and carol share a LAN behind a port-preserving NAT, bob sits behind another, dave
 * behind a symmetric one (a new port per connection). Homes behind port-preserving NATs
 * punch a direct connection to each other; dave stays on the relays.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { HistoryResponse } from '../../protocol/local-api.ts'
import { labSupported, NatLab } from '../../sim/lab/nat-lab.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import {
  befriend,
  CommandError,
  friendOf,
  type LabPerson,
  type LabRelay,
  labPerson,
  runLabRelay,
  sendFile,
  startLabRelay,
  tearDownLab,
} from './lab-people.ts'

const support = labSupported()
let lab: NatLab
let dir: Awaited<ReturnType<typeof makeTempDir>>
let relay: LabRelay
let relay2: LabRelay
let alice: LabPerson
let bob: LabPerson
let carol: LabPerson
let dave: LabPerson
const relays = () => [relay.address, relay2.address]

beforeAll(async () => {
  if (!support.ok) throw new Error(support.reason)
  dir = await makeTempDir('tokenim-lab-')
  lab = await NatLab.build({
    publicHosts: ['relay1', 'relay2'],
    homes: [
      { name: 'homea', nat: 'port-preserving', hosts: ['alice', 'carol'] },
      { name: 'homeb', nat: 'port-preserving', hosts: ['bob'] },
      { name: 'homec', nat: 'symmetric', hosts: ['dave'] },
    ],
  })
  relay = await startLabRelay(lab.host('relay1'), join(dir.path, 'relay1'))
  // The operator of the second relay lists the first under peers, as the README says.
  relay2 = await startLabRelay(lab.host('relay2'), join(dir.path, 'relay2'), (config) =>
    config.replace('peers: []', `peers:\n  - ${relay.address}`),
  )
  ;[alice, bob, carol, dave] = await Promise.all(
    ['alice', 'bob', 'carol', 'dave'].map((name) => labPerson(name, lab.host(name), dir.path)),
  )
  await Promise.all([alice, bob, carol, dave].map((person) => person.start(relays())))
}, 180_000)

afterAll(() => tearDownLab(lab, dir))

describe('two homes behind NAT and a public relay', () => {
  it('the relay hands out its public address', () => {
    expect(relay.warning).toBeNull()
    expect(
      relay.multiaddrs.some((address) => address.startsWith('/ip4/20.0.0.10/tcp/4001/p2p/')),
    ).toBe(true)
  })

  it('usernames, a friend request by name, and chat both ways', async () => {
    await alice.cli(['register', 'alice'])
    await bob.cli(['register', 'bob'])
    await befriend(alice, bob, 'bob')
    // Two homes behind port-preserving NATs meet through a relay's circuit, then punch a
    // direct TCP connection (doc/networking.md, "Hole punching"), and the friend list says so.
    await alice.seen('friend:reach', (r) => r.peerId === bob.peerId && r.reach.via === 'direct')
    expect(await friendOf(alice, bob)).toMatchObject({
      online: true,
      reach: { via: 'direct', address: expect.stringMatching(/^\/ip4\/20\.0\.0\.101\/tcp\//) },
    })

    const bobGot = bob.next('message:received', (m) => m.text === 'hello across two NATs')
    await alice.cli(['send', 'bob', 'hello across two NATs'])
    await bobGot
    const aliceGot = alice.next('message:received', (m) => m.text === 'hello back')
    await bob.cli(['send', 'alice', 'hello back'])
    await aliceGot
    const history = await alice.json<HistoryResponse>(['history', bob.peerId])
    expect(history.messages.map((m) => [m.direction, m.text])).toEqual([
      ['out', 'hello across two NATs'],
      ['in', 'hello back'],
    ])
  }, 120_000)
})

describe('files across NATs', () => {
  // Through a relay, circuit after circuit, when no punch succeeds: large-file.test.ts.
  it('a 2 MiB file crosses from home a to home b over the punched connection', async () => {
    await sendFile(alice, bob, 2 * 1024 * 1024, dir.path)
  }, 180_000)
})

describe('neighbours on one LAN', () => {
  it('talk over the LAN, not through the relay: friends, chat and a 2 MiB file', async () => {
    await befriend(alice, carol, carol.publicKey)
    const carolGot = carol.next('message:received', (m) => m.text === 'hello neighbour')
    await alice.cli(['send', carol.peerId, 'hello neighbour'])
    await carolGot
    expect(await friendOf(alice, carol)).toMatchObject({
      reach: { via: 'direct', address: expect.stringMatching(/^\/ip4\/192\.168\.1\./) },
    })
    await sendFile(carol, alice, 2 * 1024 * 1024, dir.path)
  }, 180_000)
})

describe('the offline mailbox across NATs', () => {
  it('bob away, five messages, bob back: each arrives once, in order', async () => {
    await bob.stop()
    const texts = Array.from({ length: 5 }, (_, index) => `while you were out ${index + 1}`)
    for (const text of texts) await alice.cli(['send', 'bob', text])
    await bob.start(relays())
    const last = bob.next('message:received', (m) => m.text === texts[4], 120_000)
    const received = async () =>
      (await bob.json<HistoryResponse>(['history', alice.peerId])).messages
        .filter((m) => m.direction === 'in' && texts.includes(m.text))
        .map((m) => m.text)
    if ((await received()).length < texts.length) await last
    else last.catch(() => undefined)
    expect(await received()).toEqual(texts)
  }, 240_000)
})

describe('a relay that dies', () => {
  it('a relayed conversation carries on through the other relay, and friends need no relay by name', async () => {
    // dave, behind the symmetric NAT, is reached only through a relay; bob is punched to.
    await befriend(alice, dave, dave.publicKey)
    relay.child.kill('SIGKILL')
    const daveGot = dave.next('message:received', (m) => m.text === 'relay1 is gone', 120_000)
    await alice.cli(['send', dave.peerId, 'relay1 is gone'])
    await daveGot
    const aliceGot = alice.next('message:received', (m) => m.text === 'still here', 120_000)
    await dave.cli(['send', alice.peerId, 'still here'])
    await aliceGot
    expect((await friendOf(alice, dave))?.reach).toMatchObject({
      via: 'relay',
      relay: relay2.address.split('/p2p/')[1],
    })
    // bob is a friend: his name resolves from alice's contacts, not from relay1's directory.
    const bobGot = bob.next('message:received', (m) => m.text === 'bob by name', 120_000)
    await alice.cli(['send', 'bob', 'bob by name'])
    await bobGot
    // A stranger's name still needs a directory: the lookup fails, and says what it looked for.
    const lookup = await alice.cli(['lookup', 'nobody-by-that-name']).catch((err: Error) => err)
    expect(lookup).toBeInstanceOf(CommandError)
    expect((lookup as CommandError).result.stderr).toContain('nobody-by-that-name')

    relay = await runLabRelay(relay.host, relay.dataDir, relay.configPath)
    const back = bob.next('message:received', (m) => m.text === 'relay1 is back', 120_000)
    await alice.cli(['send', 'bob', 'relay1 is back'])
    await back
  }, 300_000)
})

describe('a room whose members sit behind three NATs', () => {
  it('join by invite, messages every way, and a member who was away catches up', async () => {
    const created = await alice.cli(['rooms', 'create', 'across NATs'])
    const [, roomId, invite] =
      /^created room "across NATs" ([0-9a-f]{64})\ninvite: (\S+)\n$/.exec(created) ?? []
    expect(roomId).toBeDefined()
    await bob.cli(['rooms', 'join', invite])
    await dave.cli(['rooms', 'join', invite])

    const fromAlice = 'hello room from home a'
    const heard = [bob, dave].map((member) =>
      member.next('room:message', (m) => m.roomId === roomId && m.text === fromAlice, 60_000),
    )
    await alice.cli(['send', '--room', roomId, fromAlice])
    await Promise.all(heard)
    const fromDave = 'hello from behind the symmetric NAT'
    const heardDave = [alice, bob].map((member) =>
      member.next('room:message', (m) => m.roomId === roomId && m.text === fromDave, 60_000),
    )
    await dave.cli(['send', '--room', roomId, fromDave])
    await Promise.all(heardDave)

    await bob.stop()
    await alice.cli(['send', '--room', roomId, 'while bob was away'])
    await bob.start([relay.address])
    // The catch-up may land before bob's event tap listens: his history, else the event.
    const caughtUp = bob.next('room:message', (m) => m.text === 'while bob was away', 90_000)
    if (!(await bob.cli(['history', '--room', roomId])).includes('while bob was away')) {
      await caughtUp
    } else caughtUp.catch(() => undefined)
    expect(await bob.cli(['history', '--room', roomId])).toContain('while bob was away')
  }, 240_000)
})
