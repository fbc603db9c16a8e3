/**
 * People at home behind NAT routers and a relay on a public address, every part a process
 * started with the README's commands, in a lab of network namespaces (test/lab/nat-lab.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FriendListResponse, HistoryResponse } from '../../protocol/local-api.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { type LabPerson, type LabRelay, labPerson, startLabRelay } from './lab-people.ts'
import { labSupported, NatLab } from './nat-lab.ts'

const support = labSupported()
let lab: NatLab
let dir: Awaited<ReturnType<typeof makeTempDir>>
let relay: LabRelay
let alice: LabPerson
let bob: LabPerson
let dave: LabPerson

beforeAll(async () => {
  if (!support.ok) throw new Error(support.reason)
  dir = await makeTempDir('tokenim-lab-')
  lab = await NatLab.build({
    publicHosts: ['relay1'],
    homes: [
      { name: 'homea', nat: 'port-preserving', hosts: ['alice'] },
      { name: 'homeb', nat: 'port-preserving', hosts: ['bob'] },
      { name: 'homec', nat: 'symmetric', hosts: ['dave'] },
    ],
  })
  relay = await startLabRelay(lab.host('relay1'), `${dir.path}/relay1`)
  ;[alice, bob, dave] = await Promise.all([
    labPerson('alice', lab.host('alice'), dir.path),
    labPerson('bob', lab.host('bob'), dir.path),
    labPerson('dave', lab.host('dave'), dir.path),
  ])
  await Promise.all([alice, bob, dave].map((person) => person.start([relay.address])))
}, 120_000)

afterAll(async () => {
  await lab?.destroy()
  // LAB_KEEP=1 keeps the data dirs and the daemons' output (`<name>.out`) for a post-mortem.
  if (process.env.LAB_KEEP == null) await dir?.remove()
  else console.log(`lab data kept in ${dir?.path}`)
})

describe('two homes behind NAT and a public relay', () => {
  it('the relay hands out its public address', () => {
    expect(
      relay.multiaddrs.some((address) => address.startsWith('/ip4/20.0.0.10/tcp/4001/p2p/')),
    ).toBe(true)
  })

  it('usernames, a friend request by name, and chat both ways', async () => {
    await alice.cli(['register', 'alice'])
    await bob.cli(['register', 'bob'])
    const requested = bob.next('friend:request', (request) => request.peerId === alice.peerId)
    await alice.cli(['friends', 'add', 'bob', '--note', 'hi from home a'])
    await requested
    const aliceSeesBob = alice.seen('presence:changed', (p) => p.peerId === bob.peerId && p.online)
    await bob.cli(['friends', 'accept', alice.peerId])
    await aliceSeesBob
    const friends = await alice.json<FriendListResponse>(['friends', 'list'])
    expect(friends.friends).toEqual([expect.objectContaining({ peerId: bob.peerId, online: true })])

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
  })
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
    await bob.seen(
      'room:message',
      (m) => m.roomId === roomId && m.text === 'while bob was away',
      90_000,
    )
    const history = await bob.cli(['history', '--room', roomId])
    expect(history).toContain('while bob was away')
  }, 240_000)
})
