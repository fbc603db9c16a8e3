/**
 * The module boundaries of doc/architecture.md, checked on every .ts/.tsx file of the four
 * layers: each relative import specifier (static, type-only, re-export or dynamic, as the
 * TypeScript pre-processor finds them) is resolved to a path and matched against what its
 * layer may import. Package imports are not checked here.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { dirname, join, relative, resolve, sep } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../..')

/**
 * What the relay takes from node/: its front door alone. Everything both run on the network
 * (host, framing, DHT rules and quotas, gossip ids) is in network/; the few generic building
 * blocks of node/ the relay composes with too (storage, the identity its key is, atomic
 * files, the composition and lifecycle helpers, relay address parsing, the shared config
 * errors) are exported there. The list is exact, so a new reach from relay/ into node/
 * fails here.
 */
const RELAY_MAY_USE_FROM_NODE: Record<string, string> = {
  'node/index.ts': "the node's front door, with the building blocks the relay composes with too",
}

interface Layer {
  /** The layer's files; the first layer whose folder holds a file applies to it. */
  folder: string
  /** An entry ending in `/` allows a whole folder, any other entry one file. */
  mayImport: string[]
}

const LAYERS: Layer[] = [
  { folder: 'protocol/', mayImport: ['protocol/'] },
  // What node and relay both run on the network: it knows neither of them.
  { folder: 'network/', mayImport: ['network/', 'protocol/'] },
  // The browser bundle: the shared contract, the typed local-API client the CLI uses too, and
  // the flows both clients build on that client alone (the sign-up pre-check, the search
  // profile following the display name), and the message catalogs' pure core and the error
  // sentences both catalogs share.
  {
    folder: 'client/web/',
    mayImport: [
      'client/web/',
      'protocol/',
      'client/tokenim-api.ts',
      'client/signup-precheck.ts',
      'client/search-profile.ts',
      'client/message-catalog.ts',
      'client/error-texts/',
    ],
  },
  // The CLI starts a node, a relay or a simulation in process only through their front doors.
  {
    folder: 'client/',
    mayImport: [
      'client/',
      'protocol/',
      'node/index.ts',
      // The release's version and the default data dir alone, so that `tokenim --version` and
      // the commands that talk to a running node through its API load no node.
      'node/version.ts',
      'node/data-dir.ts',
      'relay/index.ts',
      'sim/index.ts',
    ],
  },
  // package.json: the release's version, kept in one place.
  { folder: 'node/', mayImport: ['node/', 'network/', 'protocol/', 'package.json'] },
  {
    folder: 'relay/',
    mayImport: ['relay/', 'network/', 'protocol/', ...Object.keys(RELAY_MAY_USE_FROM_NODE)],
  },
]

function layerOf(file: string): Layer | undefined {
  return LAYERS.find((layer) => file.startsWith(layer.folder))
}

function allows(entry: string, target: string): boolean {
  return entry.endsWith('/') ? target.startsWith(entry) : target === entry
}

/** Why `file` may not import `target` (both relative to the root), or undefined if it may. */
function breach(file: string, target: string): string | undefined {
  const layer = layerOf(file)
  if (layer == null) return undefined
  // A CLI file reaching into the web bundle is as foreign as any other layer.
  if (layer.folder === 'client/' && target.startsWith('client/web/')) return `${file} -> ${target}`
  return layer.mayImport.some((entry) => allows(entry, target)) ? undefined : `${file} -> ${target}`
}

function sourceFiles(folder: string): string[] {
  const out: string[] = []
  for (const entry of readdirSync(join(ROOT, folder), { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue
    const path = join(folder, entry.name)
    if (entry.isDirectory()) out.push(...sourceFiles(path))
    else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(path)
  }
  return out
}

function specifiersOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(join(ROOT, file), 'utf8'), true, true)
  return importedFiles.map((imported) => imported.fileName)
}

/** Every relative import of `file`, resolved to a path relative to the root with `/`. */
function importsOf(file: string): string[] {
  return specifiersOf(file)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) =>
      relative(ROOT, resolve(ROOT, dirname(file), specifier))
        .split(sep)
        .join('/'),
    )
}

const files = ['protocol', 'network', 'node', 'relay', 'client'].flatMap((folder) =>
  sourceFiles(folder),
)
const imports = files.map((file) => ({ file: file.split(sep).join('/'), targets: importsOf(file) }))

function breaches(folder: string): string[] {
  return imports
    .filter(({ file }) => layerOf(file)?.folder === folder)
    .flatMap(({ file, targets }) => targets.map((target) => breach(file, target)))
    .filter((found) => found != null)
}

describe('import rules (doc/architecture.md, "Module boundaries")', () => {
  it('reads the whole tree of every layer', () => {
    for (const folder of LAYERS.map((layer) => layer.folder)) {
      expect(imports.filter(({ file }) => layerOf(file)?.folder === folder).length).toBeGreaterThan(
        3,
      )
    }
  })

  it('tells a breach from an allowed import', () => {
    expect(breach('protocol/codec.ts', 'network/host.ts')).toBe(
      'protocol/codec.ts -> network/host.ts',
    )
    expect(breach('protocol/rooms/invite.ts', 'protocol/bytes.ts')).toBeUndefined()
    expect(breach('client/web/src/app.tsx', 'node/index.ts')).toBeDefined()
    expect(breach('client/web/src/app.tsx', 'client/api-client.ts')).toBeDefined()
    expect(breach('client/cli/main.ts', 'client/web/src/app.tsx')).toBeDefined()
    expect(breach('client/cli/main.ts', 'network/host.ts')).toBeDefined()
    expect(breach('client/cli/main.ts', 'node/index.ts')).toBeUndefined()
    expect(breach('node/tokenim-node.ts', 'relay/index.ts')).toBeDefined()
    expect(breach('node/node-parts.ts', 'network/host.ts')).toBeUndefined()
    expect(breach('network/host.ts', 'node/storage.ts')).toBeDefined()
    expect(breach('network/host.ts', 'relay/index.ts')).toBeDefined()
    expect(breach('relay/relay-node.ts', 'network/host.ts')).toBeUndefined()
    expect(breach('relay/relay-node.ts', 'node/index.ts')).toBeUndefined()
    expect(breach('relay/relay-node.ts', 'node/storage.ts')).toBeDefined()
    expect(breach('relay/relay-node.ts', 'node/messaging/index.ts')).toBeDefined()
    expect(breach('relay/relay-node.ts', 'node/mailbox/index.ts')).toBeDefined()
  })

  it('keeps protocol/ free of every other folder of ours', () => {
    expect(breaches('protocol/')).toEqual([])
  })

  it('keeps protocol/ free of I/O: node:crypto is the one Node module it imports', () => {
    const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]))
    const found = files
      .filter((file) => file.startsWith(`protocol${sep}`))
      .flatMap((file) => specifiersOf(file).map((specifier) => ({ file, specifier })))
      .filter(({ specifier }) => builtins.has(specifier) && specifier !== 'node:crypto')
    expect(found).toEqual([])
    expect(builtins.has('node:fs')).toBe(true)
  })

  it('lets the web client import only protocol/ and the shared local-API client', () => {
    expect(breaches('client/web/')).toEqual([])
  })

  it('lets the CLI reach a node, a relay or a simulation only through its front door', () => {
    expect(breaches('client/')).toEqual([])
  })

  it('keeps network/ free of node/, relay/ and client/', () => {
    expect(breaches('network/')).toEqual([])
  })

  it('keeps node/ free of relay/ and client/', () => {
    expect(breaches('node/')).toEqual([])
  })

  it('lets relay/ use only the listed node building blocks', () => {
    expect(breaches('relay/')).toEqual([])
  })

  it('lists no node building block the relay no longer uses', () => {
    const used = new Set(
      imports.filter(({ file }) => file.startsWith('relay/')).flatMap(({ targets }) => targets),
    )
    expect(Object.keys(RELAY_MAY_USE_FROM_NODE).filter((module) => !used.has(module))).toEqual([])
  })
})
