/**
 * A stand-in daemon for the fatal-error test:
 * `node --experimental-transform-types fatal-child.ts rejection|exception`. It installs the
 * CLI's fatal-error handlers, keeps running, then lets an error escape: an unhandled
 * rejection whose error carries a password field, or an exception thrown from a timer.
 */
import { stopOnFatalError } from '../../client/cli/fatal-errors.ts'

stopOnFatalError(async (reason) => {
  process.stdout.write(`stopping: ${reason}\n`)
  await new Promise((resolve) => setImmediate(resolve))
  process.stdout.write('stopped\n')
})
setInterval(() => undefined, 60_000)
if (process.argv[2] === 'rejection') {
  void Promise.reject(Object.assign(new Error('the disk is gone'), { password: 'hunter2' }))
} else {
  setTimeout(() => {
    throw new TypeError('a bug')
  }, 0)
}
