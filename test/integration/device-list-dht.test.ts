/**
 * Device lists in the DHT, on a real relay and real nodes: the relay stores and serves a
 * valid list, refuses a forged one, and never lets a lower version replace a higher one, so
 * a replayed old list cannot bring a revoked device back.
 */
import { multiaddr } from '@multiformats/multiaddr'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getRecords, putRecord } from '../../node/mailbox/dht-records.ts'
import {
  DEVICE_CAPABILITIES_ALL,
  deviceListDhtKey,
  signDeviceCertificate,
  signDeviceList,
  validateDeviceListRecord,
} from '../../protocol/accounts/index.ts'
import { signRecord } from '../../protocol/codec.ts'
import { generateEd25519KeyPair } from '../../protocol/crypto/index.ts'
import { DEVICE_LIST_DOMAIN } from '../../protocol/ids.ts'
import { SignedRecord } from '../../protocol/proto/signed-record.ts'
import type { RelayNode } from '../../relay/index.ts'
import { createNetwork, relayAddress } from '../helpers/relay-network.ts'
import { type DhtPeer, routingTableFilled, startDhtPeer } from './mailbox-network.ts'

const QUERY = { timeoutMs: 10_000 }
const network = createNetwork()
let relay: RelayNode
let writer: DhtPeer
let reader: DhtPeer

beforeAll(async () => {
  relay = await network.relay()
  writer = await startDhtPeer({ dhtServer: false })
  reader = await startDhtPeer({ dhtServer: false })
  for (const peer of [writer, reader]) {
    await peer.host.dial(multiaddr(relayAddress(relay)))
    await routingTableFilled(peer.host, 1)
  }
})

afterAll(async () => {
  await writer?.remove()
  await reader?.remove()
  await network.close()
})

const alice = generateEd25519KeyPair()
const laptop = generateEd25519KeyPair()
const phone = generateEd25519KeyPair()
const key = deviceListDhtKey(alice.publicKey)

function list(version: number, devices: Array<typeof laptop>, revoked: Array<typeof laptop> = []) {
  return signDeviceList(alice, {
    version,
    devices: devices.map((device) =>
      signDeviceCertificate(alice, {
        device: device.publicKey,
        name: 'device',
        createdMs: Date.now(),
        capabilities: DEVICE_CAPABILITIES_ALL,
      }),
    ),
    revoked: revoked.map((device) => ({ device: device.publicKey, atMs: Date.now() })),
    nextRecovery: new Uint8Array(32).fill(1),
  })
}

async function servedVersions(): Promise<number[]> {
  const { answers } = await getRecords(reader.host.services.dht, key, QUERY)
  return answers.map((answer) => validateDeviceListRecord(key, answer.value).version)
}

describe('device lists on a relay', () => {
  const relayId = () => relay.peerId.toString()

  it('are stored and served, a higher version replacing a lower one', async () => {
    const v1 = await putRecord(writer.host.services.dht, key, list(1, [laptop, phone]), QUERY)
    expect(v1.holders).toContain(relayId())
    const v2 = await putRecord(writer.host.services.dht, key, list(2, [laptop], [phone]), QUERY)
    expect(v2.holders).toContain(relayId())
    expect(await servedVersions()).toEqual([2])
  })

  it('never take back a lower version: a replayed list cannot resurrect a revoked device', async () => {
    const replay = await putRecord(reader.host.services.dht, key, list(1, [laptop, phone]), QUERY)
    expect(replay.holders).not.toContain(relayId())
    expect(await servedVersions()).toEqual([2])
  })

  it('refuse a list signed by another key', async () => {
    const { payload } = SignedRecord.decode(list(9, [laptop, phone]))
    const forged = signRecord(generateEd25519KeyPair(), payload, DEVICE_LIST_DOMAIN)
    const outcome = await putRecord(reader.host.services.dht, key, forged, QUERY)
    expect(outcome.holders).not.toContain(relayId())
    expect(await servedVersions()).toEqual([2])
  })
})
