/** The logger components get in tests: silent, or printing when TOKENIM_TEST_DEBUG is set. */
import type { Logger } from '@libp2p/interface'

const debug = process.env.TOKENIM_TEST_DEBUG != null

export const testLogger: Logger = Object.assign(debug ? console.log : () => undefined, {
  error: debug ? console.error : () => undefined,
  trace: () => undefined,
  enabled: false,
  newScope: () => testLogger,
}) as unknown as Logger
