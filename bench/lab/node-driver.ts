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
 */
import { LocalApiClient, type NodeEvent } from '../../client/api-client.ts'

const TIMEOUT_MS = 300_000
const [mode, dataDir, peer, arg] = process.argv.slice(2)
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
} else {
  throw new Error(
    'usage: node-driver.ts messages DATA_DIR PEER COUNT | send-file DATA_DIR PEER PATH',
  )
}
subscription.close()
