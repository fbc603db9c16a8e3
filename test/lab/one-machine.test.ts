/**
 * The README's set-up on one machine that has no public address (a laptop on a home LAN, a
 * namespace here): a relay with the config `relay init` writes, unedited, and two nodes
 * started with `--allow-private-addresses`. They become friends, see each other online and
 * talk directly, not through the relay.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FriendListResponse } from '../../protocol/local-api.ts'
import { labSupported, NatLab } from '../../sim/lab/nat-lab.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { type LabPerson, type LabRelay, labPerson, startLabRelay } from './lab-people.ts'

const support = labSupported()
let lab: NatLab
let dir: Awaited<ReturnType<typeof makeTempDir>>
let relay: LabRelay
let ann: LabPerson
let ben: LabPerson

beforeAll(async () => {
  if (!support.ok) throw new Error(support.reason)
  dir = await makeTempDir('tokenim-lab-one-')
  lab = await NatLab.build({
    publicHosts: [],
    homes: [{ name: 'home', nat: 'port-preserving', hosts: ['laptop'] }],
  })
  const laptop = lab.host('laptop')
  relay = await startLabRelay(laptop, join(dir.path, 'relay'))
  ;[ann, ben] = await Promise.all(['ann', 'ben'].map((name) => labPerson(name, laptop, dir.path)))
  await Promise.all(
    [ann, ben].map((person) => person.start([relay.address], ['--allow-private-addresses'])),
  )
}, 120_000)

afterAll(async () => {
  await lab?.destroy()
  await dir?.remove()
})

describe('one machine, as the README says', () => {
  it('relay init wrote a config for a machine without a public address', async () => {
    expect(relay.warning).toMatch(/only loopback or private addresses/)
    expect(relay.output()).not.toContain('"level":40')
  })

  it('friends see each other online and chat directly', async () => {
    const requested = ben.next('friend:request', (request) => request.peerId === ann.peerId)
    await ann.cli(['friends', 'add', ben.publicKey])
    await requested
    const online = ann.seen('presence:changed', (p) => p.peerId === ben.peerId && p.online)
    await ben.cli(['friends', 'accept', ann.peerId])
    await online
    const benGot = ben.next('message:received', (m) => m.text === 'hello from this machine')
    await ann.cli(['send', ben.peerId, 'hello from this machine'])
    await benGot
    const { friends } = await ann.json<FriendListResponse>(['friends', 'list'])
    expect(friends).toEqual([
      expect.objectContaining({
        peerId: ben.peerId,
        online: true,
        reach: expect.objectContaining({ via: 'direct' }),
      }),
    ])
  })
})
