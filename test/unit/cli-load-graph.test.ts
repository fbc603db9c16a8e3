/**
 * What a CLI run loads before its command's module: the static imports (type-only ones are
 * erased; dynamic ones load later, when a command runs) followed from a file, checked so
 * that `--version` and the commands that only talk to a running node through its local API
 * never load the node, the relay or the simulation.
 */
import { readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../..')
const HEAVY = ['node/index.ts', 'relay/index.ts', 'sim/index.ts']
const STATIC_IMPORT = /^(?:import|export)(?!\s+type\b)[^'";]*?(?:from\s+)?'(\.[^']+)'/gm

/** Every project file `file` loads through static imports, itself included. */
function loads(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen
  seen.add(file)
  const source = readFileSync(join(ROOT, file), 'utf8')
  for (const [, specifier] of source.matchAll(STATIC_IMPORT)) {
    if (!specifier.endsWith('.ts')) continue
    loads(relative(ROOT, resolve(dirname(join(ROOT, file)), specifier)), seen)
  }
  return seen
}

describe('what a CLI run loads', () => {
  it('the graph walker sees the node behind the commands that start one (the control)', () => {
    expect([...loads('client/cli/commands/lifecycle.ts')]).toContain('node/index.ts')
  })

  it.each([
    'client/cli/main.ts',
    'client/cli/commands/node-status.ts',
    'client/cli/commands/messaging.ts',
    'client/cli/commands/conversations.ts',
    'client/cli/commands/rooms.ts',
    'client/cli/commands/directory.ts',
    'client/cli/commands/friends.ts',
  ])('%s loads no node, relay or simulation', (file) => {
    const loaded = [...loads(file)]
    expect(loaded.filter((path) => HEAVY.includes(path))).toEqual([])
  })
})
