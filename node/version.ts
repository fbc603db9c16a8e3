/** The release, from package.json: one place to bump it. */
import packageJson from '../package.json' with { type: 'json' }

export const NODE_VERSION: string = packageJson.version
