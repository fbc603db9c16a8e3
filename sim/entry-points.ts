/**
 * The simulation's own process entry points (a shard, a relay), run from the sources under
 * the TypeScript flags or from the build as JavaScript, whichever this file is.
 */
import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'

const extension = extname(fileURLToPath(import.meta.url))

/** Flags Node needs to run the entry point as it is here. */
export const ENTRY_FLAGS =
  extension === '.ts'
    ? ['--experimental-transform-types', '--disable-warning=ExperimentalWarning']
    : []

/** The path of `sim/<name>.ts` from the sources, `<name>.js` once built. */
export function entryPoint(name: 'shard-process' | 'relay-process'): string {
  return fileURLToPath(new URL(`./${name}${extension}`, import.meta.url))
}
