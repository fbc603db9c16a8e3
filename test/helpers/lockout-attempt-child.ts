/**
 * One password attempt in a process of its own, for the cross-process lockout test:
 * `node --experimental-transform-types lockout-attempt-child.ts <dataDir> <password> <nowMs> [code]`.
 * Prints "ready" once loaded, waits for a line on stdin (so every child tries at the same
 * moment), then prints the outcome: "unlocked" (with a code: "authorized", the check of a
 * sensitive action) or the error's name. The clock is fixed at `nowMs` so no wait can run
 * out while the children start.
 */
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { Keystore } from '../../node/identity/index.ts'

const [dataDir, password, nowMs, code] = process.argv.slice(2)
const keystore = new Keystore(dataDir, { now: () => Number(nowMs) })
const input = createInterface({ input: process.stdin })
process.stdout.write('ready\n')
await once(input, 'line')
input.close()
const attempt =
  code == null
    ? keystore.unlock(password).then(() => 'unlocked')
    : keystore.authorizeSensitiveAction(password, { code }).then(() => 'authorized')
const outcome = await attempt.catch((err: Error) => err.name)
process.stdout.write(`${outcome}\n`)
