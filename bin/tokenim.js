#!/usr/bin/env node
// Entry point for the `tokenim` command. libp2p v3 needs Node >= 22; when started by an
// older Node (the system one), re-run this same command under the Node 24 runtime that
// the `node` package installed: inside a clone's node_modules, or beside tokenim's own
// folder when tokenim was installed as a package.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const entry = join(root, 'dist', 'client', 'cli', 'main.js')

// The password lockout's record uses node:sqlite, available without a flag since 22.13.
const [major, minor] = process.versions.node.split('.').map(Number)
if (major < 22 || (major === 22 && minor < 13)) {
  const bundled = bundledRuntime()
  if (bundled === undefined) {
    process.stderr.write(
      `tokenim needs Node >= 22.13 (this is ${process.version}); run "npm install" in ${root} to fetch it\n`,
    )
    process.exit(1)
  }
  const child = spawn(bundled, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
  })
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => child.kill(signal))
  }
  child.on('exit', (code, signal) => {
    if (signal != null) process.kill(process.pid, signal)
    else process.exit(code ?? 1)
  })
} else if (!existsSync(entry)) {
  process.stderr.write(`tokenim is not built: run "npm install" (or "npm run build") in ${root}\n`)
  process.exit(1)
} else {
  await import(entry)
}

function bundledRuntime() {
  try {
    const runtime = join(
      dirname(createRequire(import.meta.url).resolve('node/package.json')),
      'bin',
      'node',
    )
    return existsSync(runtime) ? runtime : undefined
  } catch {
    return undefined
  }
}
