/**
 * Drives a running TokenIM node through its local API from inside its lab namespace (whose
 * 127.0.0.1 the bench cannot reach), for bench/lab-network.bench.ts; prints one JSON line:
 *
 *   node-driver.ts messages DATA_DIR PEER COUNT   COUNT texts to PEER, one at a time, each
 *                                                 timed from the API call to the delivery
 *                                                 receipt (state "delivered"); {"latenciesMs"}
 *   node-driver.ts send-file DATA_DIR PEER PATH   the file at PATH to PEER, timed from the
 *                                                 API call to the sender's "transfer:complete"
 *                                                 (the recipient has verified it); {"ms"}
 *   node-driver.ts chat DATA_DIR INTERVAL_MS PEER…  until killed: a text every INTERVAL_MS,
 *                                                 to each PEER in turn, one line per text
 *                                                 ({"kind":"sent"|"delivered","id","at",
 *                                                 "ms"}); and the node's link to each relay,
 *                                                 polled every second, one line per change
 *                                                 ({"kind":"relay","at","peerId","connected",
 *                                                 "connectedAt","circuit"})
 *   node-driver.ts paced DATA_DIR TARGET COUNT INTERVAL_MS  COUNT texts "paced-room|paced-dm <i> <epoch
 *                                                 ms>" INTERVAL_MS apart, to a room
 *                                                 (TARGET room:<id>) or a peer; {"sent"}
 *   node-driver.ts listen DATA_DIR                until killed: one line per room message
 *                                                 or 1:1 text received, {"at","text"} (`at`:
 *                                                 epoch ms, sub-millisecond), after {"ready"}
 */
import { LocalApiClient, type NodeEvent } from '../../client/api-client.ts'

const TIMEOUT_MS = 300_000
const STATUS_POLL_MS = 1_000
const [mode, dataDir, peer, arg, ...more] = process.argv.slice(2)
const api = await LocalApiClient.forDataDir(dataDir)
const seen: NodeEvent[] = []
const waiting = new Set<() => void>()
const subscription = await api.subscribe((event) => {
  seen.push(event)
  for (const check of waiting) check()
})

/** Resolves with the first event (seen already or to come) that `match` accepts. */
function until(match: (event: NodeEvent) => boolean, what: string): Promise<void> {
  let check = () => {}
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no ${what} within ${TIMEOUT_MS} ms`)),
      TIMEOUT_MS,
    )
    check = () => {
      if (!seen.some(match)) return
      clearTimeout(timer)
      resolve()
    }
    waiting.add(check)
    check()
  }).finally(() => waiting.delete(check))
}

const print = (line: unknown) => process.stdout.write(`${JSON.stringify(line)}\n`)

/** Epoch milliseconds with the sub-millisecond part: comparable across the lab's processes. */
function epochMs(): number {
  return performance.timeOrigin + performance.now()
}

if (mode === 'messages') {
  const latenciesMs: number[] = []
  for (let i = 0; i < Number(arg); i++) {
    const start = performance.now()
    const sent = await api.sendMessage(peer, `bench message ${i} ${Date.now()}`)
    if (sent.state !== 'delivered' && sent.state !== 'read') {
      await until(
        (event) =>
          event.type === 'message:state' &&
          event.data.id === sent.id &&
          (event.data.state === 'delivered' || event.data.state === 'read'),
        `receipt for message ${i}`,
      )
    }
    latenciesMs.push(performance.now() - start)
  }
  print({ latenciesMs })
} else if (mode === 'send-file') {
  const start = performance.now()
  const sent = await api.sendFile({ to: peer, path: arg })
  await until(
    (event) =>
      (event.type === 'transfer:complete' || event.type === 'transfer:failed') &&
      event.data.fileId === sent.transfer.fileId &&
      event.data.direction === 'out',
    'transfer:complete',
  )
  const failed = seen.find(
    (event) => event.type === 'transfer:failed' && event.data.fileId === sent.transfer.fileId,
  )
  if (failed != null) throw new Error(`transfer failed: ${JSON.stringify(failed.data)}`)
  print({ ms: performance.now() - start })
} else if (mode === 'chat') {
  await chat(Number(peer), [arg, ...more])
} else if (mode === 'paced') {
  const [count, intervalMs] = [Number(arg), Number(more[0])]
  const room = peer.startsWith('room:') ? peer.slice('room:'.length) : undefined
  for (let i = 0; i < count; i++) {
    const text = `paced-${room != null ? 'room' : 'dm'} ${i} ${epochMs()}`
    if (room != null) await api.sendRoomMessage(room, text)
    else await api.sendMessage(peer, text)
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
  print({ sent: count })
} else if (mode === 'listen') {
  waiting.add(() => {
    const at = epochMs()
    for (const event of seen.splice(0)) {
      if (event.type === 'room:message' || event.type === 'message:received') {
        print({ at, text: event.data.text })
      }
    }
  })
  print({ ready: true })
  await new Promise(() => {})
} else {
  throw new Error(
    'usage: node-driver.ts messages DATA_DIR PEER COUNT | send-file DATA_DIR PEER PATH | chat DATA_DIR INTERVAL_MS PEER… | paced DATA_DIR TARGET COUNT INTERVAL_MS | listen DATA_DIR',
  )
}
subscription.close()

/** Chats with `peers` and reports the relay links until the process is killed. */
async function chat(intervalMs: number, peers: string[]): Promise<never> {
  const sentAt = new Map<string, number>()
  /** Receipts that came before the API answered the send. */
  const early = new Map<string, number>()
  const delivered = (id: string, sent: number, at: number) =>
    print({ kind: 'delivered', id, at, ms: at - sent })
  waiting.add(() => {
    for (const event of seen.splice(0)) {
      if (event.type !== 'message:state' || event.data.state !== 'delivered') continue
      const sent = sentAt.get(event.data.id)
      if (sent == null) early.set(event.data.id, Date.now())
      else delivered(event.data.id, sent, Date.now())
      sentAt.delete(event.data.id)
    }
  })
  let turn = 0
  setInterval(() => {
    const to = peers[turn++ % peers.length]
    const at = Date.now()
    api.sendMessage(to, `soak ${turn} at ${at}`).then(
      (sent) => {
        print({ kind: 'sent', id: sent.id, to, at, state: sent.state })
        const receipt = early.get(sent.id)
        early.delete(sent.id)
        if (receipt != null) delivered(sent.id, at, receipt)
        else if (sent.state === 'delivered') delivered(sent.id, at, Date.now())
        else sentAt.set(sent.id, at)
      },
      (err: Error) => print({ kind: 'send-failed', to, at, error: err.message }),
    )
  }, intervalMs)
  const last = new Map<string, string>()
  for (;;) {
    try {
      for (const link of (await api.status()).relays) {
        const state = {
          peerId: link.peerId,
          connected: link.connected,
          connectedAt: link.connectedAt,
          circuit: link.circuitAddress != null,
        }
        const key = JSON.stringify(state)
        if (last.get(link.peerId) === key) continue
        last.set(link.peerId, key)
        print({ kind: 'relay', at: Date.now(), ...state })
      }
    } catch (err) {
      print({ kind: 'status-failed', at: Date.now(), error: (err as Error).message })
    }
    await new Promise((resolve) => setTimeout(resolve, STATUS_POLL_MS))
  }
}
