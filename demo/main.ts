/**
 * `npm run demo [-- --data-dir DIR] [--api-port PORT]`: a relay, your node and a demo
 * contact on this machine; open the printed address and chat. Ctrl+C stops all three.
 */
import { parseArgs } from 'node:util'
import { DEFAULT_DEMO_DIR, startDemo } from './demo-network.ts'

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string', default: DEFAULT_DEMO_DIR },
    'api-port': { type: 'string', default: '0' },
  },
})
const apiPort = Number(values['api-port'])
if (!Number.isInteger(apiPort) || apiPort < 0 || apiPort > 65_535) {
  console.error(`--api-port must be a port number, not "${values['api-port']}"`)
  process.exit(2)
}

console.log('Starting the TokenIM demo: a relay, your node and a demo contact...')
let demo: Awaited<ReturnType<typeof startDemo>>
try {
  demo = await startDemo({ dataDir: values['data-dir'], apiPort, log: (line) => console.log(line) })
} catch (err) {
  console.error(`the demo could not start: ${(err as Error).message}`)
  process.exit(1)
}
console.log(`your node    ${demo.userPeerId} (data in ${demo.userDataDir})`)
console.log(`password     ${demo.password} (Settings asks for it to export your key)`)
console.log(`web client   ${demo.webUrl}`)
console.log(
  'Open the web client: Demo Buddy is your friend and answers every message; its invite to the demo room waits in your chat. Press Ctrl+C to stop.',
)

let stopping = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return
    stopping = true
    console.log('Stopping the demo...')
    demo.stop().then(
      () => {
        console.log('demo stopped')
        process.exit(0)
      },
      (err: Error) => {
        console.error(`the demo did not stop cleanly: ${err.message}`)
        process.exit(1)
      },
    )
  })
}
