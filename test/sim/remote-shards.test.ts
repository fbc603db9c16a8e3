/**
 * Shards that join from elsewhere: a simulation with one forked shard and one that joins
 * over a Unix socket (as `tokenim sim shard` does from another namespace or, over TCP, from
 * another machine). Messages cross between them; a wrong token and a frame over the limit
 * are refused; the joined shard ends when the coordinator stops. Relays can also run in
 * processes of their own.
 */
import { randomBytes } from 'node:crypto'
import { connect } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSimulation, runRemoteShard, type Simulation } from '../../sim/index.ts'
import { ShardListener } from '../../sim/remote-shards.ts'
import { MAX_SHARD_FRAME_BYTES, socketChannel } from '../../sim/shard-channel.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'

const token = randomBytes(16).toString('hex')
let dir: Awaited<ReturnType<typeof makeTempDir>>
let sim: Simulation
let joinedShard: Promise<string>

beforeAll(async () => {
  dir = await makeTempDir('tokenim-remote-shards-')
  const endpoint = { path: join(dir.path, 'coordinator.sock') }
  let listening!: () => void
  const awaited = new Promise<void>((resolve) => {
    listening = resolve
  })
  const simulation = createSimulation({
    relays: 1,
    nodes: 6,
    shards: 2,
    startConcurrency: 3,
    remoteShards: {
      endpoint,
      host: '127.0.0.1',
      token,
      count: 1,
      joinTimeoutMs: 30_000,
      onListening: listening,
    },
  })
  await awaited
  joinedShard = runRemoteShard(endpoint, { token, host: '127.0.0.1' })
  sim = await simulation
}, 90_000)

afterAll(async () => {
  await sim?.stop()
  await dir?.remove()
}, 60_000)

describe('a shard joined over a socket', () => {
  it('holds its share of the nodes, placed as joined', async () => {
    expect(sim.shardPlacement()).toEqual([
      { shard: 0, origin: 'forked', host: '127.0.0.1', nodes: 3 },
      { shard: 1, origin: 'joined', host: '127.0.0.1', nodes: 3 },
    ])
    expect((await sim.shardUsage()).map((shard) => shard.running)).toEqual([3, 3])
  })

  it('carries messages both ways between the forked and the joined shard', async () => {
    const ids: string[] = []
    for (let n = 0; n < 3; n++) {
      ids.push(await sim.sendDirect(0, 1, `forked to joined #${n}`))
      ids.push(await sim.sendDirect(3, 2, `joined to forked #${n}`))
    }
    await sim.waitForDelivery(ids, 30_000)
    expect(ids.map((id) => sim.ledger.direct.get(id)!.receivedAt.length)).toEqual(ids.map(() => 1))
    expect(sim.ledger.outOfOrder).toEqual([])
  }, 45_000)

  it('refuses a shard with the wrong token, saying so', async () => {
    await expect(
      runRemoteShard(
        { path: join(dir.path, 'coordinator.sock') },
        { token: 'guess', host: '1.2.3.4' },
      ),
    ).rejects.toThrowError(/cannot reach the coordinator|wrong token/)
  })

  it('ends the joined shard when the coordinator stops', async () => {
    await sim.stop()
    await expect(joinedShard).resolves.toMatch(/closed/)
  }, 60_000)
})

describe('the shard line', () => {
  it('refuses a wrong token while listening, and a frame over the limit', async () => {
    const path = join(dir.path, 'limits.sock')
    const listener = await ShardListener.listen({ path }, token)
    try {
      const refused = await new Promise<string>((resolve) => {
        const socket = connect(path)
        let answer = ''
        socket.on('data', (chunk) => {
          answer += chunk
        })
        socket.on('close', () => resolve(answer))
        socket.write(`${JSON.stringify({ token: 'guess', host: '1.2.3.4' })}\n`)
      })
      expect(refused).toBe('refused: wrong token\n')

      const socket = connect(path)
      socket.write(`${JSON.stringify({ token, host: '1.2.3.4' })}\n`)
      const [joined] = await listener.accept(1, 10_000)
      const closed = new Promise<string>((resolve) => joined.channel.onClose(resolve))
      const header = Buffer.alloc(4)
      header.writeUInt32BE(MAX_SHARD_FRAME_BYTES + 1)
      socket.write(header)
      await expect(closed).resolves.toMatch(/over the 16777216-byte limit/)
      socket.destroy()
    } finally {
      listener.close()
    }
  })

  it('frames messages of any size up to the limit, split across writes', async () => {
    const path = join(dir.path, 'frames.sock')
    const listener = await ShardListener.listen<unknown, unknown>({ path }, token)
    try {
      const socket = connect(path)
      socket.write(`${JSON.stringify({ token, host: '1.2.3.4' })}\n`)
      const [joined] = await listener.accept(1, 10_000)
      const got: unknown[] = []
      const both = new Promise<void>((resolve) =>
        joined.channel.onMessage((message) => {
          got.push(message)
          if (got.length === 2) resolve()
        }),
      )
      await new Promise((resolve) => socket.once('data', resolve)) // "ok"
      const client = socketChannel<unknown, unknown>(socket)
      const large = { blob: randomBytes(3 * 1024 * 1024) }
      client.send({ small: 1 })
      client.send(large)
      await both
      expect(got[0]).toEqual({ small: 1 })
      expect(Buffer.from((got[1] as { blob: Uint8Array }).blob).equals(large.blob)).toBe(true)
      client.close()
    } finally {
      listener.close()
    }
  })
})

describe('relays in processes of their own', () => {
  it('carry a network of in-process nodes, and end with it', async () => {
    const simulation = await createSimulation({ relays: 2, nodes: 4, relayProcesses: true })
    try {
      expect(simulation.relays.map((relay) => relay.address)).toEqual([
        expect.stringMatching(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\//),
        expect.stringMatching(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\//),
      ])
      const ids = [await simulation.sendDirect(0, 1, 'via relay processes')]
      ids.push(await simulation.sendDirect(2, 3, 'and again'))
      await simulation.waitForDelivery(ids, 30_000)
      expect(await simulation.connectedPeers(0)).toEqual(
        expect.arrayContaining(simulation.relays.map((relay) => relay.peerId)),
      )
    } finally {
      await simulation.stop()
    }
  }, 90_000)
})
