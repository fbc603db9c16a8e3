/**
 * Runs inside a lab namespace (whose 127.0.0.1 the test cannot reach) and prints every event
 * of the node on `argv[2]` as one JSON line on stdout, after a first `{"type":"tap:ready"}`.
 */
import { LocalApiClient } from '../../client/api-client.ts'

const dataDir = process.argv[2]
if (dataDir == null) throw new Error('usage: event-tap.ts DATA_DIR')
const api = await LocalApiClient.forDataDir(dataDir)
await api.subscribe((event) => process.stdout.write(`${JSON.stringify(event)}\n`))
process.stdout.write(`${JSON.stringify({ type: 'tap:ready' })}\n`)
