/**
 * The local API's event stream across a reconnect, over real HTTP and WebSocket: a client
 * that comes back with the last event's seq and epoch gets exactly the events it missed,
 * in order, then live ones; one that asks for events no longer kept, or of another run,
 * is refused with 410 EventsGoneError; a route's error answers the status of its kind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LocalApiClient, type NodeEvent } from '../../client/api-client.ts'
import { MAX_REPLAY_EVENTS } from '../../node/api/event-log.ts'
import { LocalApiServer } from '../../node/api/local-api-server.ts'
import { NodeStoppedError } from '../../node/index.ts'
import type { EmittedNodeEvent } from '../../protocol/local-api.ts'
import { ChangeSignal } from '../helpers/wait.ts'

let server: LocalApiServer
let client: LocalApiClient

beforeAll(async () => {
  server = new LocalApiServer({
    routes: {
      'GET /v1/status': () => {
        throw new NodeStoppedError('the node is stopping')
      },
    },
  })
  await server.start()
  client = new LocalApiClient({
    url: server.url,
    token: server.token,
    pid: process.pid,
    peerId: 'p',
  })
})
afterAll(() => server?.stop())

/** A numbered stand-in event: `at` says which one it is. */
function presence(n: number): EmittedNodeEvent {
  return { type: 'node:stopping', at: n, data: { reason: `event ${n}`, code: 'user' } }
}

/** A list the stream fills, and a signal at each event to wait on. */
function collector(): { events: NodeEvent[]; arrived: ChangeSignal; add(e: NodeEvent): void } {
  const events: NodeEvent[] = []
  const arrived = new ChangeSignal()
  return {
    events,
    arrived,
    add(event) {
      events.push(event)
      arrived.notify()
    },
  }
}

describe('the event stream', () => {
  it('replays what a client missed, in order, then goes on live', async () => {
    const got = collector()
    const first = got.events
    const subscription = await client.subscribe(got.add)
    for (const n of [1, 2, 3]) server.broadcast(presence(n))
    await got.arrived.until(() => first.length === 3, 'three events')
    subscription.close()
    const last = first.at(-1)!
    expect(first.map((e) => e.seq)).toEqual([last.seq - 2, last.seq - 1, last.seq])

    for (const n of [4, 5, 6]) server.broadcast(presence(n))
    const later = collector()
    const again = later.events
    const resumed = await client.subscribe(later.add, {
      since: { seq: last.seq, epoch: last.epoch },
    })
    server.broadcast(presence(7))
    await later.arrived.until(() => again.length === 4, 'three missed events and a live one')
    resumed.close()
    expect(again.map((e) => e.at)).toEqual([4, 5, 6, 7])
    expect(again.map((e) => e.seq)).toEqual([1, 2, 3, 4].map((i) => last.seq + i))
  })

  it('refuses events no longer kept, or of another run of the node', async () => {
    const got = collector()
    const seen = got.events
    const subscription = await client.subscribe(got.add)
    server.broadcast(presence(100))
    await got.arrived.until(() => seen.length === 1, 'one event')
    subscription.close()
    const { seq, epoch } = seen[0]
    for (let n = 0; n < MAX_REPLAY_EVENTS + 1; n++) server.broadcast(presence(n))

    await expect(client.subscribe(() => {}, { since: { seq, epoch } })).rejects.toMatchObject({
      name: 'EventsGoneError',
      status: 410,
      message: expect.stringContaining('no longer kept'),
    })
    await expect(
      client.subscribe(() => {}, { since: { seq, epoch: 'another-run' } }),
    ).rejects.toMatchObject({ name: 'EventsGoneError', status: 410 })
  })
})

describe('errors', () => {
  it('answer the status of their kind, and say the kind', async () => {
    await expect(client.status()).rejects.toMatchObject({ name: 'NodeStoppedError', status: 503 })
    const response = await fetch(`${server.url}/v1/status`, {
      headers: { authorization: `Bearer ${server.token}` },
    })
    expect(await response.json()).toMatchObject({
      error: { name: 'NodeStoppedError', kind: 'unavailable' },
    })
  })
})
