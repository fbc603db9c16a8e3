/**
 * A large file between two homes behind NAT, in the NAT lab (sim/lab/nat-lab.ts): alice
 * behind a port-preserving NAT, bob behind a symmetric one (so no hole punch succeeds between
 * them: doc/networking.md, "Hole punching"), one relay on a public address with the config
 * `relay init` writes. The file crosses the relay's circuits, one per
 * `circuitRelay.dataLimit` (1 MiB by default): each circuit the relay ends keeps the chunks
 * that arrived, and the transfer resumes on the next (doc/attachments.md). The file must arrive whole: the receiver's SHA-256 equals the
 * sender's.
 *
 * `npm test` sends TOKENIM_LAB_FILE_MIB = 8 (eight circuits at least, well within the
 * suite's budget); `npm run lab:large-file` sends 50 MiB (README, "Testing").
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

const FILE_MIB = Number(process.env.TOKENIM_LAB_FILE_MIB ?? 8)
/** Generous for a loaded 2-core machine: the relay's circuits moved 0.3–1.6 MiB/s there. */
const TRANSFER_TIMEOUT_MS = Math.max(120_000, FILE_MIB * 8_000)

const support = labSupported()
let lab: NatLab
let dir: Awaited<ReturnType<typeof makeTempDir>>
let relay: LabRelay
let alice: LabPerson
let bob: LabPerson

beforeAll(async () => {
  if (!support.ok) throw new Error(support.reason)
  dir = await makeTempDir('tokenim-lab-file-')
  lab = await NatLab.build({
    publicHosts: ['relay1'],
    homes: [
      { name: 'homea', nat: 'port-preserving', hosts: ['alice'] },
      { name: 'homeb', nat: 'symmetric', hosts: ['bob'] },
    ],
  })
  relay = await startLabRelay(lab.host('relay1'), join(dir.path, 'relay1'))
  ;[alice, bob] = await Promise.all(
    ['alice', 'bob'].map((name) => labPerson(name, lab.host(name), dir.path)),
  )
  await Promise.all([alice, bob].map((person) => person.start([relay.address])))
  await befriend(alice, bob, bob.publicKey)
}, 180_000)

afterAll(() => tearDownLab(lab, dir))

describe('a large file across two NATs', () => {
  it(
    `${FILE_MIB} MiB from alice to bob crosses the relay circuit after circuit and arrives intact`,
    async () => {
      await sendFile(alice, bob, FILE_MIB * 1024 * 1024, dir.path, TRANSFER_TIMEOUT_MS)
      expect(await friendOf(alice, bob)).toMatchObject({ reach: { via: 'relay' } })
    },
    TRANSFER_TIMEOUT_MS + 30_000,
  )
})
