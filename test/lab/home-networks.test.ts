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

beforeAll(async () => {
  if (!support.ok) throw new Error(support.reason)
  dir = await makeTempDir('tokenim-lab-')
  lab = await NatLab.build({
    publicHosts: ['relay1'],
    homes: [
      { name: 'homea', nat: 'port-preserving', hosts: ['alice'] },
      { name: 'homeb', nat: 'port-preserving', hosts: ['bob'] },
    ],
  })
  relay = await startLabRelay(lab.host('relay1'), `${dir.path}/relay1`)
  ;[alice, bob] = await Promise.all([
    labPerson('alice', lab.host('alice'), dir.path),
    labPerson('bob', lab.host('bob'), dir.path),
  ])
  await Promise.all([alice.start([relay.address]), bob.start([relay.address])])
}, 120_000)

afterAll(async () => {
  await lab?.destroy()
  await dir?.remove()
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
